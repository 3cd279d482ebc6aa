"""Activity log (seed 001 7.11): who did what to which target, when.

Other modules call :func:`record`; staff read the log at ``GET /admin/activity-logs``.
"""

from kwika.modules.activity.service import Actor, forget_actor, record

__all__ = ["Actor", "forget_actor", "record"]
