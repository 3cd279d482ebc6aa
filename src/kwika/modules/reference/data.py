"""Reference data every deployment starts with (``kwika seed``; the embedded app seeds at
start-up). Keys are stable: the seeder upserts by key and only inserts what is missing, so
staff edits survive re-seeding.

Sources: event types, currencies and countries as seed 003 module 2 shows them (currencies
and countries completed so every country's currency exists, plus Egypt for seed 001); the
10 service categories, 5 KYC requirements and 28 service types of seed 003's "Seed Data
Reference" (KYC formats and sizes as seed 003 2.4 shows them); interests for seed 004 3.2.
"""

from __future__ import annotations

from typing import Any

EVENT_TYPES: list[dict[str, Any]] = [
    {
        "key": "wedding",
        "name": "Wedding",
        "description": "Wedding ceremonies and receptions",
        "icon": "rings",
        "color": "#FF6B6B",
        "display_order": 1,
    },
    {
        "key": "birthday",
        "name": "Birthday",
        "description": "Birthday parties and celebrations",
        "icon": "cake",
        "color": "#4ECDC4",
        "display_order": 2,
    },
    {
        "key": "corporate",
        "name": "Corporate Event",
        "description": "Business meetings, conferences, and corporate gatherings",
        "icon": "briefcase",
        "color": "#45B7D1",
        "display_order": 3,
    },
    {
        "key": "graduation",
        "name": "Graduation",
        "description": "Graduation ceremonies and parties",
        "icon": "graduation-cap",
        "color": "#96CEB4",
        "display_order": 4,
    },
    {
        "key": "baby_shower",
        "name": "Baby Shower",
        "description": "Baby shower celebrations",
        "icon": "baby",
        "color": "#DDA0DD",
        "display_order": 5,
    },
    {
        "key": "funeral",
        "name": "Funeral",
        "description": "Memorial services and funeral arrangements",
        "icon": "flower",
        "color": "#708090",
        "display_order": 6,
    },
    {
        "key": "anniversary",
        "name": "Anniversary",
        "description": "Wedding anniversaries and milestone celebrations",
        "icon": "heart",
        "color": "#FF69B4",
        "display_order": 7,
    },
    {
        "key": "religious",
        "name": "Religious Event",
        "description": "Religious ceremonies and gatherings",
        "icon": "church",
        "color": "#DAA520",
        "display_order": 8,
    },
    {
        "key": "concert",
        "name": "Concert/Music Event",
        "description": "Live music performances and concerts",
        "icon": "music",
        "color": "#9370DB",
        "display_order": 9,
    },
    {
        "key": "other",
        "name": "Other",
        "description": "Other types of events",
        "icon": "calendar",
        "color": "#808080",
        "display_order": 100,
    },
]

# Which service categories suit which event type (seed 003 ``event_type_services``).
_EVERY_CATEGORY = (
    "entertainment",
    "catering",
    "logistics",
    "photography_videography",
    "decor_setup",
    "planning",
    "rentals",
    "audio_visual",
    "security",
    "cleaning",
)
EVENT_TYPE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "wedding": _EVERY_CATEGORY,
    "birthday": (
        "entertainment",
        "catering",
        "photography_videography",
        "decor_setup",
        "rentals",
        "audio_visual",
    ),
    "corporate": (
        "catering",
        "logistics",
        "photography_videography",
        "planning",
        "rentals",
        "audio_visual",
        "security",
        "cleaning",
    ),
    "graduation": (
        "entertainment",
        "catering",
        "photography_videography",
        "decor_setup",
        "rentals",
        "audio_visual",
    ),
    "baby_shower": ("entertainment", "catering", "photography_videography", "decor_setup"),
    "funeral": (
        "catering",
        "logistics",
        "planning",
        "rentals",
        "audio_visual",
        "security",
        "cleaning",
    ),
    "anniversary": (
        "entertainment",
        "catering",
        "photography_videography",
        "decor_setup",
        "planning",
    ),
    "religious": ("catering", "decor_setup", "rentals", "audio_visual", "security", "cleaning"),
    "concert": ("entertainment", "logistics", "rentals", "audio_visual", "security", "cleaning"),
    "other": _EVERY_CATEGORY,
}

SERVICE_CATEGORIES: list[dict[str, Any]] = [
    {
        "key": "entertainment",
        "name": "Entertainment",
        "description": "DJs, bands, MCs, and entertainment services",
        "icon": "music",
    },
    {
        "key": "catering",
        "name": "Catering",
        "description": "Catering services, cakes and drinks",
        "icon": "utensils",
    },
    {
        "key": "logistics",
        "name": "Logistics",
        "description": "Transport, guest shuttles and deliveries",
        "icon": "truck",
    },
    {
        "key": "photography_videography",
        "name": "Photography and Videography",
        "description": "Professional photography and videography services",
        "icon": "camera",
    },
    {
        "key": "decor_setup",
        "name": "Decor and Setup",
        "description": "Event decoration, flowers and lighting",
        "icon": "flower",
    },
    {
        "key": "planning",
        "name": "Planning",
        "description": "Event planning and coordination services",
        "icon": "clipboard",
    },
    {
        "key": "rentals",
        "name": "Rentals",
        "description": "Venues, tents, chairs and tables for hire",
        "icon": "tent",
    },
    {
        "key": "audio_visual",
        "name": "Audio Visual",
        "description": "Sound, stage, lighting rigs and screens",
        "icon": "speaker",
    },
    {
        "key": "security",
        "name": "Security",
        "description": "Event security and crowd management",
        "icon": "shield",
    },
    {
        "key": "cleaning",
        "name": "Cleaning",
        "description": "Cleaning before, during and after events",
        "icon": "broom",
    },
]
for _order, _category in enumerate(SERVICE_CATEGORIES, start=1):
    _category["display_order"] = _order

# (category key, type key, name, description); 28 in all.
SERVICE_TYPES: list[tuple[str, str, str, str]] = [
    ("entertainment", "dj", "DJ Services", "DJs with their own sound for parties and events"),
    ("entertainment", "mc", "MC / Host", "Masters of ceremony and event hosts"),
    ("entertainment", "live_band", "Live Band", "Live music bands and performers"),
    ("entertainment", "dancers", "Dancers & Performers", "Dance troupes, acrobats, acts"),
    ("catering", "full_catering", "Full-Service Catering", "Food preparation and serving"),
    ("catering", "cakes", "Cakes & Desserts", "Custom cakes, desserts, and confectionery"),
    ("catering", "bar", "Bar & Beverage Service", "Bartenders, drinks and mobile bars"),
    ("logistics", "car_hire", "Car Hire", "Wedding cars and chauffeured vehicles"),
    ("logistics", "guest_transport", "Guest Transport", "Buses and shuttles for guests"),
    ("logistics", "delivery", "Delivery & Setup Crew", "Moving equipment to and from venues"),
    (
        "photography_videography",
        "wedding_photography",
        "Wedding Photography",
        "Professional wedding photography services",
    ),
    (
        "photography_videography",
        "event_photography",
        "Event Photography",
        "Photography for corporate and social events",
    ),
    (
        "photography_videography",
        "videography",
        "Videography",
        "Professional video recording and editing",
    ),
    (
        "photography_videography",
        "drone",
        "Drone Photography",
        "Aerial photography and videography using drones",
    ),
    ("photography_videography", "photo_booth", "Photo Booth", "Photo booth rental and services"),
    ("decor_setup", "decoration", "Event Decoration", "Themes, draping and table settings"),
    ("decor_setup", "flowers", "Floral Arrangements", "Bouquets and floral design"),
    ("decor_setup", "lighting_design", "Lighting Design", "Decorative and mood lighting"),
    ("planning", "full_planning", "Full Event Planning", "Planning from idea to the day"),
    ("planning", "day_coordination", "Day-of Coordination", "Running the event on the day"),
    ("planning", "wedding_planning", "Wedding Planning", "Wedding planners and consultants"),
    ("rentals", "venue_hire", "Venue Hire", "Halls, gardens and event spaces"),
    ("rentals", "tents", "Tents & Canopies", "Tents, marquees and canopies"),
    ("rentals", "furniture", "Chairs & Tables", "Chairs, tables and linen"),
    ("audio_visual", "sound", "Sound Systems", "PA systems, microphones and technicians"),
    ("audio_visual", "stage_screens", "Stage & Screens", "Stages, LED screens, projectors"),
    ("security", "event_security", "Event Security", "Guards, ushers and crowd control"),
    ("cleaning", "event_cleaning", "Event Cleaning", "Venue cleaning and waste removal"),
]

KYC_REQUIREMENTS: list[dict[str, Any]] = [
    {
        "key": "government_id",
        "name": "Government-issued ID",
        "description": "A valid national ID or passport",
        "document_type": "identity",
        "accepted_formats": ["jpg", "jpeg", "png", "pdf"],
        "max_file_size_mb": 5,
    },
    {
        "key": "business_license",
        "name": "Business License",
        "description": "Proof of business registration if operating as a company",
        "document_type": "business",
        "accepted_formats": ["jpg", "jpeg", "png", "pdf"],
        "max_file_size_mb": 5,
    },
    {
        "key": "portfolio",
        "name": "Portfolio/Work Samples",
        "description": "At least 5 samples of your previous work",
        "document_type": "portfolio",
        "accepted_formats": ["jpg", "jpeg", "png"],
        "max_file_size_mb": 10,
    },
    {
        "key": "professional_certification",
        "name": "Professional Certification",
        "description": "Relevant professional certifications or licences",
        "document_type": "certification",
        "accepted_formats": ["jpg", "jpeg", "png", "pdf"],
        "max_file_size_mb": 5,
    },
    {
        "key": "tax_compliance",
        "name": "Tax Compliance Certificate",
        "description": "A valid tax compliance certificate",
        "document_type": "tax",
        "accepted_formats": ["pdf"],
        "max_file_size_mb": 5,
    },
]
for _order, _requirement in enumerate(KYC_REQUIREMENTS, start=1):
    _requirement["display_order"] = _order

# Which requirements each category's service types map to, and whether mandatory
# (seed 003 2.4 shows photography: ID, portfolio and tax mandatory; business and
# certification optional). Requirements not listed are not mapped.
_CREATIVE = {
    "government_id": True,
    "business_license": False,
    "portfolio": True,
    "professional_certification": False,
    "tax_compliance": True,
}
_OPERATIONS = {
    "government_id": True,
    "business_license": True,
    "portfolio": False,
    "tax_compliance": True,
}
KYC_BY_CATEGORY: dict[str, dict[str, bool]] = {
    "entertainment": _CREATIVE,
    "catering": {**_CREATIVE, "professional_certification": True},  # food handling
    "logistics": {**_OPERATIONS, "professional_certification": True},  # driving licences
    "photography_videography": _CREATIVE,
    "decor_setup": _CREATIVE,
    "planning": _CREATIVE,
    "rentals": _OPERATIONS,
    "audio_visual": _OPERATIONS,
    "security": {**_OPERATIONS, "professional_certification": True},  # guard licences
    "cleaning": _OPERATIONS,
}

CURRENCIES: list[dict[str, Any]] = [
    {"code": "TZS", "name": "Tanzanian Shilling", "symbol": "TSh"},
    {"code": "KES", "name": "Kenyan Shilling", "symbol": "KSh"},
    {"code": "USD", "name": "US Dollar", "symbol": "$"},
    {"code": "EUR", "name": "Euro", "symbol": "€"},
    {"code": "GBP", "name": "British Pound", "symbol": "£"},
    {"code": "UGX", "name": "Ugandan Shilling", "symbol": "USh"},
    {"code": "RWF", "name": "Rwandan Franc", "symbol": "FRw"},
    {"code": "NGN", "name": "Nigerian Naira", "symbol": "₦"},
    {"code": "ZAR", "name": "South African Rand", "symbol": "R"},
    {"code": "EGP", "name": "Egyptian Pound", "symbol": "E£"},
]
for _order, _currency in enumerate(CURRENCIES, start=1):
    _currency["display_order"] = _order

COUNTRIES: list[dict[str, Any]] = [
    {"code": "KE", "name": "Kenya", "phone_code": "+254", "currency_code": "KES"},
    {"code": "TZ", "name": "Tanzania", "phone_code": "+255", "currency_code": "TZS"},
    {"code": "UG", "name": "Uganda", "phone_code": "+256", "currency_code": "UGX"},
    {"code": "RW", "name": "Rwanda", "phone_code": "+250", "currency_code": "RWF"},
    {"code": "NG", "name": "Nigeria", "phone_code": "+234", "currency_code": "NGN"},
    {"code": "ZA", "name": "South Africa", "phone_code": "+27", "currency_code": "ZAR"},
    {"code": "EG", "name": "Egypt", "phone_code": "+20", "currency_code": "EGP"},
]
for _order, _country in enumerate(COUNTRIES, start=1):
    _country["display_order"] = _order

# Seed 004 3.2: "predefined interest categories (sports, arts, technology, etc.)".
INTERESTS: list[dict[str, Any]] = [
    {"key": "sports", "name": "Sports", "icon": "trophy"},
    {"key": "fitness", "name": "Fitness & Wellness", "icon": "dumbbell"},
    {"key": "outdoors", "name": "Outdoors & Adventure", "icon": "mountain"},
    {"key": "arts", "name": "Arts & Culture", "icon": "palette"},
    {"key": "music", "name": "Music & Concerts", "icon": "music"},
    {"key": "nightlife", "name": "Nightlife & Parties", "icon": "glass"},
    {"key": "food", "name": "Food & Drink", "icon": "utensils"},
    {"key": "technology", "name": "Technology", "icon": "cpu"},
    {"key": "business", "name": "Business & Networking", "icon": "briefcase"},
    {"key": "gaming", "name": "Gaming", "icon": "gamepad"},
    {"key": "film", "name": "Film & Theatre", "icon": "film"},
    {"key": "books", "name": "Books & Learning", "icon": "book"},
    {"key": "travel", "name": "Travel", "icon": "plane"},
    {"key": "fashion", "name": "Fashion & Beauty", "icon": "shirt"},
    {"key": "family", "name": "Family & Kids", "icon": "users"},
    {"key": "volunteering", "name": "Volunteering & Causes", "icon": "heart"},
    {"key": "faith", "name": "Faith & Spirituality", "icon": "star"},
    {"key": "dance", "name": "Dance", "icon": "sparkles"},
]
for _order, _interest in enumerate(INTERESTS, start=1):
    _interest["display_order"] = _order
