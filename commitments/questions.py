"""The first version of the readiness self-assessment, in our own words.

The themes follow the toolkit's "Commit" step: does the organization know whether access,
screening, treatment, quality and outcomes differ by race, ethnicity and language; when it last
asked patients and staff how racism affected their health and care; champions, leadership,
data collection practice and community partnership. Each organization gets a copy as version 1
(services.questionnaire_ensure) and its admins edit it from there.
"""

from .models import ActionTarget, Domain

DEFAULT_QUESTIONS: list[dict] = [
    {
        "key": "access-by-real",
        "domain": Domain.DATA,
        "text": "Do we know whether access to care (appointments, wait times, missed visits) "
        "differs by patients' race, ethnicity or preferred language?",
        "help_text": "Fully in place: access measures are stratified and reviewed at least yearly.",
        "action_text": "No stratified access data yet: upload an extract and stratify access "
        "measures by race, ethnicity and language.",
        "action_target": ActionTarget.DATA,
    },
    {
        "key": "screening-by-real",
        "domain": Domain.DATA,
        "text": "Do we know whether preventive screenings (for example cancer, diabetes or "
        "depression screening) differ by race, ethnicity or language?",
        "help_text": "Think of the screenings your quality programme already reports.",
        "action_text": "Stratify your screening measures by race, ethnicity and language in the "
        "data hub.",
        "action_target": ActionTarget.DATA,
    },
    {
        "key": "treatment-by-real",
        "domain": Domain.DATA,
        "text": "Do we know whether the treatments and procedures patients receive differ by "
        "race, ethnicity or language?",
        "help_text": "",
        "action_text": "Add treatment measures to an extract and compare groups in the data hub.",
        "action_target": ActionTarget.DATA,
    },
    {
        "key": "outcomes-by-real",
        "domain": Domain.DATA,
        "text": "Are our quality and outcome measures reported by race, ethnicity and language, "
        "with the gaps between groups shown?",
        "help_text": "Fully in place: leaders see the gaps, not just the averages.",
        "action_text": "Report quality and outcome measures by group in the data hub, then "
        "choose priority inequities.",
        "action_target": ActionTarget.DATA,
    },
    {
        "key": "asked-patients",
        "domain": Domain.LISTENING,
        "text": "How recently have we asked patients how racism has affected their health and "
        "the care they received from us?",
        "help_text": "Not started: never. Fully in place: within the last year, and what we "
        "heard changed something.",
        "action_text": "Plan a listening session or survey with patients and record the themes "
        "you hear.",
        "action_target": ActionTarget.LISTENING,
    },
    {
        "key": "asked-staff",
        "domain": Domain.LISTENING,
        "text": "How recently have we asked our employees how racism has affected them and "
        "the care they see patients receive?",
        "help_text": "Include clinical and non-clinical staff.",
        "action_text": "Hold a listening session or survey with staff and link the themes to "
        "commitments.",
        "action_target": ActionTarget.LISTENING,
    },
    {
        "key": "named-champions",
        "domain": Domain.CHAMPIONS,
        "text": "Have we named equity champions, with protected time and a clear mandate, "
        "across departments?",
        "help_text": "",
        "action_text": "Name equity champions and record their department and area of focus.",
        "action_target": ActionTarget.CHAMPIONS,
    },
    {
        "key": "shared-language",
        "domain": Domain.CHAMPIONS,
        "text": "Do our people share a common language for equity (for example structural "
        "racism, implicit bias, social needs)?",
        "help_text": "",
        "action_text": "Start a learning plan on the basics of health equity and its language.",
        "action_target": ActionTarget.LEARN,
    },
    {
        "key": "leadership-commitment",
        "domain": Domain.LEADERSHIP,
        "text": "Have our senior leaders and board committed to equity in public, with named "
        "owners and dates?",
        "help_text": "",
        "action_text": "Log leadership's commitments with an owner and a due date.",
        "action_target": ActionTarget.COMMITMENTS,
    },
    {
        "key": "resources",
        "domain": Domain.LEADERSHIP,
        "text": "Are budget and staff time set aside for equity work, rather than added on top "
        "of existing jobs?",
        "help_text": "",
        "action_text": "Record a commitment to fund the work, with an owner and a date.",
        "action_target": ActionTarget.COMMITMENTS,
    },
    {
        "key": "real-self-reported",
        "domain": Domain.COLLECTION,
        "text": "Do we collect race, ethnicity and language as patients report them, in "
        "standard categories, with 'declined' kept apart from 'unknown'?",
        "help_text": "",
        "action_text": "Check race, ethnicity and language completeness in the data hub's "
        "data-quality report.",
        "action_target": ActionTarget.DATA,
    },
    {
        "key": "collection-training",
        "domain": Domain.COLLECTION,
        "text": "Are the staff who ask these questions trained to ask respectfully and to "
        "explain why we ask?",
        "help_text": "",
        "action_text": "Add training on respectful data collection to a learning plan.",
        "action_target": ActionTarget.LEARN,
    },
    {
        "key": "community-partners",
        "domain": Domain.COMMUNITY,
        "text": "Do we work with community organizations as partners in choosing and tackling "
        "our equity priorities?",
        "help_text": "",
        "action_text": "Invite community partners to a listening session and record what you hear.",
        "action_target": ActionTarget.LISTENING,
    },
    {
        "key": "community-data",
        "domain": Domain.COMMUNITY,
        "text": "Do we use community data (health needs assessments, public health, payers) "
        "beside our own patient data?",
        "help_text": "",
        "action_text": "Add community data beside your patient data in the data hub.",
        "action_target": ActionTarget.DATA,
    },
]
