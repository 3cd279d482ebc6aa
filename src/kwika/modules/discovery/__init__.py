"""Discovery: search, distance, ranking, access counts and saved listings over a read model
that the owning modules keep current (`upsert`/`remove`)."""

from kwika.modules.discovery.listings import ListingIn, remove, upsert

__all__ = ["ListingIn", "remove", "upsert"]
