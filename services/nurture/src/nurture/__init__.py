"""leadflow nurture: keeps leads that are not ready for sales warm with the right content."""
