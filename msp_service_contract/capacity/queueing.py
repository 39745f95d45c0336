# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Closed-form results of queueing theory the simulation is checked against."""

import math


def erlang_c(servers, offered_load):
    """Probability that an arrival waits (M/M/c), offered_load = arrival rate / service rate.
    1.0 when the queue is unstable (load >= servers)."""
    if offered_load >= servers:
        return 1.0
    term, total = 1.0, 1.0  # a^k / k!, summed for k < c
    for k in range(1, servers):
        term *= offered_load / k
        total += term
    last = term * offered_load / servers  # a^c / c!
    waiting = last * servers / (servers - offered_load)
    return waiting / (total + waiting)


def p_wait_within(servers, arrival_rate, service_rate, minutes):
    """P(wait <= minutes) in an M/M/c queue (rates per minute): 1 - C e^-(c mu - lambda) t."""
    load = arrival_rate / service_rate
    if load >= servers:
        return 0.0
    return 1.0 - erlang_c(servers, load) * math.exp(
        -(servers * service_rate - arrival_rate) * minutes
    )
