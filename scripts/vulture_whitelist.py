"""Code that nothing in ``src`` calls but that is used all the same (scripts/deadcode.py).

Each entry says who uses it. Staff functions without routes are listed until the admin module
gives them routes; those marked "no test yet" are exercised by no test (the admin issue adds
routes and tests for them).
"""

# ruff: noqa: B018
from kwika import asgi, registry, worker
from kwika.core import access, broker, cache, clock, documents, errors, module, money
from kwika.modules.reference import service as reference

asgi.create_app  # uvicorn --factory kwika.asgi:create_app
broker.AppLoopAsyncIO.before_worker_boot  # Dramatiq middleware hooks, called by Dramatiq
broker.AppLoopAsyncIO.after_worker_shutdown
worker.RuntimeBoot.after_worker_boot
worker.RuntimeBoot.before_worker_shutdown
clock.travel  # the tests' clock
errors.PayloadTooLarge  # the 413 of the error vocabulary; nothing raises it yet
money.percentage_of  # for payments (fees, commissions); tests/core/test_money.py
money.Money.of_minor
access.forget_unflushed  # the tests' reset drops views counted by the previous test
broker.run_inline  # tests run an actor's function on their loop (tests/support.py run_now)
documents.Timestamped._touch  # a Beanie before_event hook, called by Beanie
cache.clear_local  # the tests' per-test reset (tests/harness.py)
cache.Cache.get_or_load  # dict-valued read-through caches (tests/core/test_cache.py)
module.module_settings  # how a module reads its own settings section (tests/platform_module)
module.reset_module_settings  # tests re-read settings sections after changing them
registry.plugged  # plugs an extra module in for a block (tests/core/test_module_platform.py)

# Staff reference-data management: routes arrive with the admin module.
reference.kyc_definitions
reference.list_event_types
reference.create_event_type
reference.update_event_type
reference.delete_event_type
reference.list_service_types  # no test yet
reference.create_service_type
reference.update_service_type  # no test yet
reference.delete_service_type
reference.create_kyc_definition
reference.update_kyc_definition  # no test yet
reference.delete_kyc_definition
reference.service_type_kyc  # no test yet
reference.add_service_type_kyc
reference.remove_service_type_kyc
reference.list_currencies  # no test yet
reference.create_currency  # no test yet
reference.update_currency
reference.list_countries  # no test yet
reference.create_country
reference.update_country  # no test yet
reference.list_interests  # no test yet
reference.create_interest
reference.update_interest  # no test yet
reference.delete_interest  # no test yet
