"""Source adapters: a sender's own payload -> touchpoint documents. One module per adapter, one line each here."""

from collections.abc import Callable
from typing import Any

from .config import SourceSpec, SourcesConfig
from .content_download import map_download
from .model import Delivery, Mapped
from .sendgrid_events import map_sendgrid
from .website_form import map_form
from .zoom_webinar import map_zoom

Adapter = Callable[[Any, SourceSpec, Delivery], Mapped]

ADAPTERS: dict[str, Adapter] = {
    "website_form": map_form,
    "zoom_webinar": map_zoom,
    "content_download": map_download,
    "sendgrid_events": map_sendgrid,
}


def map_payload(payload: Any, spec: SourceSpec, delivery: Delivery) -> Mapped:
    return ADAPTERS[spec.adapter](payload, spec, delivery)


__all__ = ["ADAPTERS", "Delivery", "Mapped", "SourceSpec", "SourcesConfig", "map_payload"]
