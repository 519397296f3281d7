"""The simulated world: villages, households (struct of arrays) and the village network."""

from povsim.world.households import Households
from povsim.world.network import VillageNetwork
from povsim.world.villages import Villages

__all__ = ["Households", "VillageNetwork", "Villages"]
