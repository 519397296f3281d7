"""The interventions of model requirement R4, one module each behind a common interface.

Beside them: ``budget`` (the money for the measures) and ``jobs`` (the programme jobs
the employment intervention places members in).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from povsim.interventions.base import Intervention
from povsim.interventions.consumption_aid import ConsumptionAid
from povsim.interventions.dibao import Dibao
from povsim.interventions.education import Education
from povsim.interventions.employment import Employment
from povsim.interventions.health import Health
from povsim.interventions.housing import Housing
from povsim.interventions.industry import Industry
from povsim.interventions.infrastructure import Infrastructure
from povsim.interventions.microloans import Microloans
from povsim.interventions.motivation import Motivation
from povsim.interventions.public_posts import PublicPosts
from povsim.interventions.relocation import Relocation
from povsim.interventions.training import Training
from povsim.params.policy import INTERVENTION_NAMES

if TYPE_CHECKING:
    from povsim.model import PovertyModel

CLASSES: dict[str, type[Intervention]] = {
    cls.name: cls
    for cls in (Health, Education, Dibao, Housing, Industry, Microloans, Employment, Training,
                PublicPosts, Relocation, Infrastructure, Motivation, ConsumptionAid)
}

__all__ = ["CLASSES", "Intervention", "build_interventions"]


def build_interventions(model: PovertyModel) -> dict[str, Intervention]:
    """One instance of every intervention, in delivery order."""
    return {name: CLASSES[name](model) for name in INTERVENTION_NAMES}
