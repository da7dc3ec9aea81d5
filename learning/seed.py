"""Starter content every organization gets: the resources the toolkit's companion material points
to, and a glossary of shared language. All descriptions and definitions are our own words.

Links are left blank unless we are sure of the publisher's public page; organizations add the
exact links they use. `seed_key` identifies a starter row, so seeding again adds nothing twice.
Bump SEED_VERSION when new starter rows are added, so existing organizations receive them.
"""

SEED_VERSION = 3

AMA = "https://www.ama-assn.org/"

RESOURCES = [
    {
        "seed_key": "steps-health-systems",
        "title": "Racial and Health Equity: Concrete STEPS for Health Systems",
        "kind": "toolkit",
        "url": AMA,
        "step": "commit",
        "tags": "toolkit,health systems,equity,five steps",
        "summary": (
            "The AMA STEPS Forward toolkit this portal is organized around. It walks a health "
            "system through five steps (commit, learn, look at the data, set a shared vision, "
            "improve) and suggests who to involve and what to ask at each one. A good first read "
            "for the whole team."
        ),
    },
    {
        "seed_key": "steps-smaller-practices",
        "title": "Racial and health equity toolkit for smaller practices",
        "kind": "toolkit",
        "url": AMA,
        "step": "commit",
        "tags": "toolkit,practices,equity",
        "summary": (
            "A companion STEPS Forward toolkit scaled for physician practices and clinics with few "
            "staff and no dedicated analytics team: how to start with what you already know about "
            "your patients and act on it."
        ),
    },
    {
        "seed_key": "sdoh-toolkit",
        "title": "Social determinants of health toolkit",
        "kind": "toolkit",
        "url": AMA,
        "step": "data",
        "tags": "social determinants,screening,social needs",
        "summary": (
            "How to ask patients about conditions such as food, housing and transportation, record "
            "the answers consistently, and connect people with community resources. Useful before "
            "adding social-needs fields to your data extracts."
        ),
    },
    {
        "seed_key": "basics-health-equity",
        "title": "Basics of health equity",
        "kind": "article",
        "url": AMA,
        "step": "learn",
        "tags": "introduction,shared language,equity",
        "summary": (
            "An introduction for people new to the topic: what health equity means, how it differs "
            "from equality, and why inequities are avoidable and unjust rather than just "
            "differences. Suggested as everyone's first learning item."
        ),
    },
    {
        "seed_key": "historical-foundations",
        "title": "Historical foundations of racism in medicine",
        "kind": "article",
        "url": AMA,
        "step": "learn",
        "tags": "history,structural racism",
        "summary": (
            "Background on how policies and practices in medicine, medical education and research "
            "created and sustained racial inequities, and why that history still shapes patients' "
            "trust and outcomes today."
        ),
    },
    {
        "seed_key": "prioritizing-equity",
        "title": "Prioritizing Equity",
        "kind": "video",
        "url": AMA,
        "step": "vision",
        "tags": "leadership,priorities,equity",
        "summary": (
            "Conversations with clinicians and leaders about putting equity at the center of a "
            "health system's priorities. Useful when choosing priority inequities and writing the "
            "shared vision."
        ),
    },
    {
        "seed_key": "language-guide",
        "title": "Advancing Health Equity: A Guide to Language, Narrative and Concepts",
        "kind": "article",
        "url": AMA,
        "step": "learn",
        "tags": "shared language,narrative,communication",
        "summary": (
            "A guide from the AMA (with the AAMC Center for Health Justice) on the words we use: "
            "why some common phrasings hide causes or blame people, and what to say instead. Pairs "
            "well with this portal's glossary."
        ),
    },
    {
        "seed_key": "podcast-building-trust",
        "title": "Podcast: building trust with patients and communities",
        "kind": "podcast",
        "url": AMA,
        "step": "commit",
        "tags": "trust,community,listening",
        "summary": (
            "A conversation about earning the trust of communities that have been harmed or "
            "ignored by health care: listening first, following through, and sharing decisions. "
            "Good preparation for listening sessions."
        ),
    },
    {
        "seed_key": "implicit-association",
        "title": "Implicit association self-assessments",
        "kind": "assessment",
        "url": "https://implicit.harvard.edu/",
        "step": "learn",
        "tags": "implicit bias,self-assessment,reflection",
        "summary": (
            "Free online tests (Project Implicit) that show the automatic associations people hold "
            "about race and other groups. Take one privately and reflect on the result; it is a "
            "prompt for learning, not a measure of a person's worth or conduct."
        ),
    },
]

GLOSSARY = [
    {
        "seed_key": "health-equity",
        "term": "Health equity",
        "aliases": "equity",
        "definition": (
            "Everyone has a fair and just opportunity to be as healthy as possible. Reaching it "
            "means removing obstacles such as poverty, discrimination and their consequences, "
            "including lack of access to good jobs, housing, education and health care. It is a "
            "goal and a process, and it differs from equality: equal treatment is not enough when "
            "people start from different places."
        ),
    },
    {
        "seed_key": "health-inequity",
        "term": "Health inequity",
        "aliases": "inequity,inequities",
        "definition": (
            "A difference in health or health care that is systematic, avoidable and unjust. Every "
            "inequity shows up as a disparity, but not every disparity is an inequity: calling a "
            "difference an inequity says it comes from how society and care are organized and can "
            "be changed."
        ),
    },
    {
        "seed_key": "disparity",
        "term": "Disparity",
        "aliases": "health disparity,disparities,gap",
        "definition": (
            "A measured difference in a health outcome, access, quality or experience between "
            "groups of people, for example a lower screening rate for patients whose preferred "
            "language is not English. In this portal a disparity is always computed on the adverse "
            "rate, so a positive difference means the group fares worse than the reference group."
        ),
    },
    {
        "seed_key": "sdoh",
        "term": "Social determinants of health",
        "aliases": "SDOH,social determinants",
        "definition": (
            "The conditions in which people are born, grow, live, work and age, such as income, "
            "housing, education, transportation, food environment and exposure to discrimination, "
            "and the policies that shape them. They describe communities and populations. Compare "
            "social need, which describes one person's immediate situation."
        ),
    },
    {
        "seed_key": "social-need",
        "term": "Social need",
        "aliases": "social needs,health-related social need,HRSN",
        "definition": (
            "A person's own immediate, non-medical need that affects their health, as they "
            "describe it: for example, not having enough food this month or no ride to the next "
            "appointment. Screening finds social needs, and a referral or resource can meet them. "
            "The distinction matters: meeting an individual's social need helps that person, while "
            "changing the social determinants of health means changing conditions and policies for "
            "a whole community."
        ),
    },
    {
        "seed_key": "structural-racism",
        "term": "Structural racism",
        "aliases": "systemic racism,institutional racism",
        "definition": (
            "The ways laws, policies, institutions and practices, working together over time, give "
            "advantages to some racial groups and disadvantages to others, even when no individual "
            "intends harm. In health care it shows up in where services are located, who is "
            "insured, which clinical tools are used and whose voices shape decisions."
        ),
    },
    {
        "seed_key": "implicit-bias",
        "term": "Implicit bias",
        "aliases": "unconscious bias",
        "definition": (
            "Attitudes or stereotypes that affect what we notice, decide and do without our "
            "awareness. Everyone holds some. They can be reduced in effect by noticing them, by "
            "structured decisions (checklists, standard criteria) and by data that reveals "
            "differences in care."
        ),
    },
    {
        "seed_key": "real-data",
        "term": "REaL data",
        "aliases": "REaL,race ethnicity and language data",
        "definition": (
            "Race, ethnicity and language data about patients, ideally self-reported and collected "
            "in a consistent way. Complete and accurate REaL data is what makes it possible to see "
            "whether care differs between groups; the data hub reports how complete it is."
        ),
    },
    {
        "seed_key": "stratification",
        "term": "Stratification",
        "aliases": "stratify,stratified,stratified data",
        "definition": (
            "Splitting a measure into groups, such as by race, ethnicity, language, sex, age band, "
            "payer or site, and computing it for each group instead of only overall. An overall "
            "rate that looks good can hide a group that is doing much worse."
        ),
    },
    {
        "seed_key": "reference-group",
        "term": "Reference group",
        "aliases": "",
        "definition": (
            "The group other groups are compared with when measuring a disparity. By default it "
            "is the largest group; it can also be the group with the best rate, the overall rate "
            "or a group chosen by the organization. The choice changes the size of each gap, so "
            "it is always shown with the result."
        ),
    },
    {
        "seed_key": "suppression",
        "term": "Small-number suppression",
        "aliases": "suppression,suppressed,small cell",
        "definition": (
            "Hiding counts and rates computed from very few people, so that no individual patient "
            "can be recognized. This portal hides any cell based on fewer than the organization's "
            "threshold (at least 11), and hides a second cell when one alone could be worked out "
            "by subtraction."
        ),
    },
    {
        "seed_key": "intersectionality",
        "term": "Intersectionality",
        "aliases": "intersection,intersections",
        "definition": (
            "The way several parts of a person's identity and position, such as race, language, "
            "sex and income, combine to shape their experience. Looking at intersections (for "
            "example Black women, or Spanish-speaking older adults) can reveal gaps that each "
            "single dimension hides."
        ),
    },
    {
        "seed_key": "smart-goal",
        "term": "SMART goal",
        "aliases": "SMART,SMART goals",
        "definition": (
            "A goal that is Specific, Measurable, Achievable, Relevant and Time-bound. An "
            "equity-focused SMART goal names the group, the measure, the baseline from the data, "
            "the target (which can be the size of the gap itself) and the date."
        ),
    },
    {
        "seed_key": "priority-inequity",
        "term": "Priority inequity",
        "aliases": "priority inequities,priority,priorities",
        "definition": (
            "A disparity the organization has chosen to act on: a measure, a group and the "
            "reference group it is compared with, picked from the data for being large, "
            "actionable and important to the community. The toolkit advises focusing on a few."
        ),
    },
    {
        "seed_key": "project-charter",
        "term": "Project charter",
        "aliases": "charter,charters,project charters",
        "definition": (
            "A short agreement that launches an improvement project: the problem and its "
            "baseline data, the aim and SMART goals, the scope, the team and its sponsor, the "
            "measures (outcome, process, balancing), change ideas, milestones and risks. An "
            "equity charter also names the population of focus and the community partners and "
            "patient voices involved."
        ),
    },
    {
        "seed_key": "pdsa",
        "term": "PDSA",
        "aliases": "PDSA cycle,PDSA cycles,Plan-Do-Study-Act",
        "definition": (
            "Plan-Do-Study-Act: a small, fast test of a change. Plan the change and predict what "
            "will happen, do it on a small scale, study the results against the prediction, and "
            "act: adopt, adapt or abandon it. Many short cycles usually teach more than one large "
            "project."
        ),
    },
    {
        "seed_key": "run-chart",
        "term": "Run chart",
        "aliases": "run charts,control chart,control charts",
        "definition": (
            "A chart of a measure over time with its median, used to tell a real change from "
            "ordinary variation. A control chart adds limits computed from the data. Shown per "
            "group, they show whether a gap between groups is actually closing."
        ),
    },
    {
        "seed_key": "special-cause",
        "term": "Special cause variation",
        "aliases": "special cause,special-cause variation,common cause,common cause variation",
        "definition": (
            "Variation a run or control chart says is unlikely to be chance: a point beyond the "
            "control limits, a run too long on one side of the median, or too few crossings of "
            "it. Common cause variation is the ordinary noise of a stable process. A change made "
            "in a PDSA cycle should show as special cause in the right direction."
        ),
    },
    {
        "seed_key": "equity-champion",
        "term": "Equity champion",
        "aliases": "champion,champions",
        "definition": (
            "A person named to lead and encourage equity work in their department or area, who "
            "keeps commitments moving, shares what they learn and brings colleagues along."
        ),
    },
    {
        "seed_key": "cultural-humility",
        "term": "Cultural humility",
        "aliases": "",
        "definition": (
            "A lifelong practice of self-reflection and learning from patients and communities, "
            "recognizing the limits of one's own perspective and the power imbalance between "
            "clinicians and patients, rather than aiming to master facts about other cultures."
        ),
    },
]
