"""Identity: accounts, credentials, codes, 2FA, devices, sessions, Google sign-in, profiles,
staff authentication.

Other modules use only what this file exports.
"""

from kwika.modules.identity.services.accounts import get_user

__all__ = ["get_user"]
