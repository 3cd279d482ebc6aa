from kwika.core.module import ModuleSpec
from kwika.core.scheduler import Schedule
from kwika.modules.discovery import tasks
from kwika.modules.discovery.documents import Listing, SavedListing, SearchTerm

module = ModuleSpec(
    name="discovery",
    documents=[Listing, SearchTerm, SavedListing],
    task_modules=["kwika.modules.discovery.tasks"],
    schedules=[
        Schedule(
            "discovery.flush_views",
            tasks.flush_views,
            lambda settings: settings.ranking_interval_seconds,
        )
    ],
)
