from django.db import models


class Step(models.TextChoices):
    """The five steps of the AMA STEPS Forward equity toolkit; every app links work to one."""

    COMMIT = "commit", "1 Commit"
    LEARN = "learn", "2 Learn"
    DATA = "data", "3 Data"
    VISION = "vision", "4 Vision"
    IMPROVE = "improve", "5 Improve"
