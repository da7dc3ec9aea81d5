"""The audit's integer programs: when the LP optimum is fractional, an integer point that
reaches the check's target settles it (a feasibility program stops at the first one); when
no integer point reaches it, the true integer optimum is computed (it goes into a finding)."""

import numpy as np

from equity_stats.disclosure import _LinearProgram


def _program():
    # 2 v0 + v1 = 5, v >= 0: the LP maximum of v0 is 2.5, the integer maximum 2 (v1 = 1).
    return _LinearProgram(2, [((0, 2.0), (1, 1.0))], [5.0], [])


def test_the_lp_optimum_is_fractional():
    status, point = _program().solve(np.array([-1.0, 0.0]))
    assert status == "optimal" and point[0] == 2.5


def test_an_integer_point_reaching_the_target_is_a_witness():
    program = _program()
    point = program.integer_optimum(np.array([-1.0, 0.0]), target=-1.0)  # v0 >= 1 will do
    assert point is not None
    assert 2 * point[0] + point[1] == 5 and point[0] >= 1
    assert np.all(point == np.round(point))


def test_without_a_point_at_the_target_the_integer_optimum_is_returned():
    program = _program()
    point = program.integer_optimum(np.array([-1.0, 0.0]), target=-3.0)  # v0 >= 3: none
    assert point is not None and point[0] == 2 and point[1] == 1
    # The model is unchanged afterwards: the same question twice gives the same answer.
    again = program.integer_optimum(np.array([-1.0, 0.0]), target=-3.0)
    assert again[0] == 2 and again[1] == 1
    assert program.integer_optimum(np.array([-1.0, 0.0]))[0] == 2


def test_each_pair_keeps_its_events_within_its_denominator():
    # v1 = 3 (a denominator) and v0 <= v1 (its events), v2 free: v0 is at most 3, not more.
    program = _LinearProgram(3, [((1, 1.0),)], [3.0], [(0, 1)])
    status, point = program.solve(np.array([-1.0, 0.0, 0.0]))
    assert status == "optimal" and point[0] == 3 and point[1] == 3
    # Without an upper bound on v2, pushing it up is unbounded.
    assert program.solve(np.array([0.0, 0.0, -1.0]))[0] == "unbounded"
