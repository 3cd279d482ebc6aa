"""Discovery's query-parameter enumerations."""

from __future__ import annotations

from typing import Literal

# The catalogue's experience categories, as a filter of GET /experiences.
ExperienceCategory = Literal["nightlife", "cultural", "adventure", "food", "nature"]
