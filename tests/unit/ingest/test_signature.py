from datetime import UTC, datetime, timedelta

import pytest

from ingest.domain.signature import InvalidSecret, SignedHeaders, parse_secret, sign, verify

# The test vector of the Standard Webhooks specification (its reference libraries' tests).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID, SPEC_TS, SPEC_BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
AT_SPEC_TIME = datetime.fromtimestamp(SPEC_TS, UTC)
KEY = parse_secret(SPEC_SECRET)
OTHER = parse_secret("whsec_c2VjcmV0LW9mLWEtcm90YXRlZC1lbmRwb2ludA==")


def _headers(signature: str = SPEC_SIGNATURE, ts: int = SPEC_TS, msg_id: str = SPEC_ID) -> SignedHeaders:
    return SignedHeaders(msg_id, str(ts), signature)


def test_the_spec_vector_signs_to_the_spec_signature():
    assert sign(KEY, SPEC_ID, SPEC_TS, SPEC_BODY) == SPEC_SIGNATURE


def test_the_spec_vector_verifies():
    assert verify([KEY], _headers(), SPEC_BODY, AT_SPEC_TIME) is None


def test_a_secret_without_the_prefix_is_the_same_key():
    assert parse_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == KEY


def test_a_secret_that_is_not_base64_is_refused_without_repeating_it():
    with pytest.raises(InvalidSecret) as caught:
        parse_secret("whsec_not base64!")
    assert "not base64!" not in str(caught.value)


def test_a_tampered_body_is_refused():
    assert "does not match" in verify([KEY], _headers(), b'{"test": 2432232315}', AT_SPEC_TIME)


def test_a_changed_id_or_timestamp_is_refused():
    assert verify([KEY], _headers(msg_id="msg_other"), SPEC_BODY, AT_SPEC_TIME) is not None
    later = datetime.fromtimestamp(SPEC_TS + 1, UTC)
    assert verify([KEY], _headers(ts=SPEC_TS + 1), SPEC_BODY, later) is not None


def test_either_of_two_secrets_verifies_during_rotation():
    assert verify([OTHER, KEY], _headers(), SPEC_BODY, AT_SPEC_TIME) is None
    assert verify([OTHER], _headers(), SPEC_BODY, AT_SPEC_TIME) is not None


def test_one_matching_signature_among_several_is_enough():
    header = f"v1,Zm9vYmFy {sign(OTHER, SPEC_ID, SPEC_TS, SPEC_BODY)} {SPEC_SIGNATURE}"
    assert verify([KEY], _headers(header), SPEC_BODY, AT_SPEC_TIME) is None


def test_within_five_minutes_either_way_is_accepted_beyond_is_refused():
    five = timedelta(minutes=5)
    assert verify([KEY], _headers(), SPEC_BODY, AT_SPEC_TIME + five) is None
    assert verify([KEY], _headers(), SPEC_BODY, AT_SPEC_TIME - five) is None
    assert "too old" in verify([KEY], _headers(), SPEC_BODY, AT_SPEC_TIME + five + timedelta(seconds=1))
    assert "in the future" in verify([KEY], _headers(), SPEC_BODY, AT_SPEC_TIME - five - timedelta(seconds=1))


def test_missing_headers_are_named():
    problem = verify([KEY], SignedHeaders(None, None, SPEC_SIGNATURE), SPEC_BODY, AT_SPEC_TIME)
    assert "webhook-id, webhook-timestamp headers are missing" in problem


def test_a_timestamp_that_is_not_whole_seconds_is_refused():
    assert "whole seconds" in verify([KEY], SignedHeaders(SPEC_ID, "1614265330.5", SPEC_SIGNATURE), SPEC_BODY, AT_SPEC_TIME)


def test_a_signature_of_another_scheme_is_not_accepted():
    assert verify([KEY], _headers(SPEC_SIGNATURE.replace("v1,", "v1a,")), SPEC_BODY, AT_SPEC_TIME) is not None
