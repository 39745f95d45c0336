# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Capacity check: plain Python, no ORM (docs/capacity.md).

estimation: arrival rates by hour of week and priority, handling times and their spread, the
load of a prospect from customers like it. simulation: a discrete-event simulation (SimPy) of
the priority queue served by technicians on their schedules, replicated, with intervals.
queueing: the Erlang C formula the simulation is checked against.
"""

from . import estimation, queueing, simulation
