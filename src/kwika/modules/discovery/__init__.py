"""Discovery: search, distance, ranking, access counts and saved listings over a read model
that the owning modules keep current (`upsert`/`remove`)."""

from kwika.modules.discovery.listings import ListingIn, remove, upsert
from kwika.modules.discovery.ranking import record_view

__all__ = ["ListingIn", "record_view", "remove", "upsert"]
