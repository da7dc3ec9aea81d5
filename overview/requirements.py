"""Today's health-equity requirements, seeded into every organization as editable data.

The Joint Commission's health care equity standard for hospitals (the leadership standard
LD.04.03.08 of 2023, since 2024 the National Patient Safety Goal NPSG.16.01.01) and the five
structural domains of CMS's "Hospital Commitment to Health Equity" measure. Accreditation rules
change every year: an administrator edits these rows and their mapping in the portal; nothing
here is read after seeding.

`evidence_kinds` are keys of evidence providers (`overview/evidence_providers.py`, and any a
step registers): a requirement is met when every kind mapped to it is met.
"""

DEFAULT_REQUIREMENTS = [
    {
        "framework": "tjc",
        "code": "TJC-HE-1",
        "title": "An individual is designated to lead health care equity activities",
        "description": "The hospital designates an individual to lead its activities to improve "
        "health care equity for the patients it serves.",
        "evidence_kinds": ["champion_named"],
    },
    {
        "framework": "tjc",
        "code": "TJC-HE-2",
        "title": "Patients are screened for health-related social needs",
        "description": "The hospital assesses patients' health-related social needs (for "
        "example food, housing, transportation, utilities, safety) and gives information about "
        "community resources.",
        "evidence_kinds": ["social_needs_measures"],
    },
    {
        "framework": "tjc",
        "code": "TJC-HE-3",
        "title": "Quality and safety data are stratified to find disparities",
        "description": "The hospital identifies health care disparities in its patient "
        "population by stratifying quality and safety data using the sociodemographic "
        "characteristics of its patients.",
        "evidence_kinds": ["stratified_extract", "real_completeness"],
    },
    {
        "framework": "tjc",
        "code": "TJC-HE-4",
        "title": "A written action plan addresses at least one disparity",
        "description": "The hospital develops a written action plan that describes how it will "
        "address at least one of the health care disparities it identified.",
        "evidence_kinds": ["approved_charter"],
    },
    {
        "framework": "tjc",
        "code": "TJC-HE-5",
        "title": "Action is taken when goals are not achieved or sustained",
        "description": "The hospital acts when it does not achieve or sustain the goals in its "
        "action plan to reduce health care disparities.",
        "evidence_kinds": ["goal_responses"],
    },
    {
        "framework": "tjc",
        "code": "TJC-HE-6",
        "title": "Progress is reported to leaders at least yearly",
        "description": "At least annually, the hospital informs key stakeholders, including "
        "leaders, licensed practitioners and staff, about its progress to reduce identified "
        "health care disparities.",
        "evidence_kinds": ["board_report_downloaded"],
    },
    {
        "framework": "cms",
        "code": "CMS-HCHE-1",
        "title": "Equity is a strategic priority",
        "description": "A strategic plan names priority populations, equity goals and "
        "actions, and the resources committed to them.",
        "evidence_kinds": ["self_assessment_completed", "commitments_logged", "approved_vision"],
    },
    {
        "framework": "cms",
        "code": "CMS-HCHE-2",
        "title": "Data collection",
        "description": "Demographic (race, ethnicity, language) and social needs data are "
        "collected, and staff are trained to collect them.",
        "evidence_kinds": ["real_completeness", "social_needs_measures", "learning_completion"],
    },
    {
        "framework": "cms",
        "code": "CMS-HCHE-3",
        "title": "Data analysis",
        "description": "Key performance indicators are stratified by demographic and social "
        "factors to find equity gaps, and the results are reviewed.",
        "evidence_kinds": ["stratified_extract"],
    },
    {
        "framework": "cms",
        "code": "CMS-HCHE-4",
        "title": "Quality improvement",
        "description": "The hospital takes part in quality improvement activities aimed at "
        "reducing health disparities.",
        "evidence_kinds": ["approved_charter", "pdsa_cycles"],
    },
    {
        "framework": "cms",
        "code": "CMS-HCHE-5",
        "title": "Leadership engagement",
        "description": "Senior leaders and the board review equity results, at least yearly.",
        "evidence_kinds": ["board_report_downloaded", "leader_approvals"],
    },
]
