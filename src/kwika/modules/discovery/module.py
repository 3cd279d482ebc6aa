from kwika.core.module import ModuleSpec
from kwika.core.scheduler import Schedule
from kwika.modules.discovery import feeds, tasks
from kwika.modules.discovery.controllers import CONTROLLERS
from kwika.modules.discovery.documents import Listing, SavedListing, SearchTerm

module = ModuleSpec(
    name="discovery",
    route_handlers=CONTROLLERS,
    documents=[Listing, SearchTerm, SavedListing],
    task_modules=["kwika.modules.discovery.tasks"],
    # Listings follow what providers and the catalogue announce (feeds.py).
    receivers=feeds.RECEIVERS,
    listing_kinds=feeds.BUILTIN_KINDS,
    schedules=[
        Schedule(
            "discovery.flush_views",
            tasks.flush_views,
            lambda settings: settings.ranking_interval_seconds,
        )
    ],
    tags=[
        {"name": "Discovery", "description": "Search, distance, featured listings, saved items"},
        {"name": "Admin: stats", "description": "Operational statistics (staff)"},
    ],
)
