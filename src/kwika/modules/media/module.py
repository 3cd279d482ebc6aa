from kwika.core.module import ModuleSpec
from kwika.core.scheduler import Schedule
from kwika.modules.identity.signals import user_anonymised
from kwika.modules.media import contexts, public, storage_backends, tasks
from kwika.modules.media.controllers import CONTROLLERS
from kwika.modules.media.documents import StorageUsage, StoredFile

module = ModuleSpec(
    name="media",
    route_handlers=CONTROLLERS,
    documents=[StoredFile, StorageUsage],
    task_modules=["kwika.modules.media.tasks"],
    schedules=[Schedule("media.sweep", tasks.sweep, lambda s: s.media.sweep_interval_seconds)],
    receivers=[(user_anonymised, public.erase_owner)],
    upload_contexts=contexts.BUILTIN_CONTEXTS,
    # Builds the storage backends: a missing Cloudinary setting stops the process here.
    on_startup=[storage_backends.start],
    tags=[
        {
            "name": "Uploads",
            "description": "Files: signed upload URLs, direct uploads, quota, downloads",
        },
    ],
)
