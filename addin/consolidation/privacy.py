"""Payroll in aggregate without revealing anyone's pay.

A group (department x employment type) of fewer than ``min_group_size``
people is never shown on its own:

1. within a department, small groups are merged into one "Other" group; if
   that is still too small, it is merged into the department's smallest
   remaining group;
2. a department with fewer than ``min_group_size`` people in all has its
   payroll figures suppressed (shown blank) in the Payroll and Summary sheets;
3. when exactly one department is suppressed, the smallest other department
   is suppressed too, so that no suppressed figure can be worked out by
   subtracting the shown ones from the organisation's total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from addin.consolidation.partials import PAY_FIELDS


@dataclass(slots=True)
class PayGroup:
    department: str
    label: str
    headcount: int
    sums: tuple[Decimal, ...]  # in PAY_FIELDS order, in the department's currency
    merged: bool = False


def protect(
    groups: dict[str, dict[str, PayGroup]], min_size: int
) -> tuple[list[PayGroup], set[str], int]:
    """Merge or suppress small groups.

    ``groups`` maps department -> employment type -> group. Returns the groups
    to show, the departments whose figures are suppressed, and how many
    groups were merged or suppressed.
    """
    shown: list[PayGroup] = []
    suppressed: set[str] = set()
    changed = 0
    sizes: dict[str, int] = {}
    for department, by_type in sorted(groups.items()):
        merged, merges = _merge_small(list(by_type.values()), min_size)
        changed += merges
        sizes[department] = sum(g.headcount for g in merged)
        if sizes[department] < min_size:
            suppressed.add(department)
        shown.extend(merged)
    if len(suppressed) == 1 and len(sizes) > 1:
        others = sorted((size, dept) for dept, size in sizes.items() if dept not in suppressed)
        suppressed.add(others[0][1])
    changed += sum(1 for g in shown if g.department in suppressed)
    return shown, suppressed, changed


def _merge_small(groups: list[PayGroup], min_size: int) -> tuple[list[PayGroup], int]:
    big = sorted((g for g in groups if g.headcount >= min_size), key=lambda g: g.label)
    small = sorted((g for g in groups if g.headcount < min_size), key=lambda g: g.label)
    if not small:
        return big, 0
    other = _combine(small, "Other")
    if other.headcount >= min_size or not big:
        return [*big, other], len(small)
    smallest = min(big, key=lambda g: (g.headcount, g.label))
    rest = [g for g in big if g is not smallest]
    return [*rest, _combine([smallest, other], f"{smallest.label} and other")], len(small) + 1


def _combine(groups: list[PayGroup], label: str) -> PayGroup:
    sums = tuple(sum((g.sums[i] for g in groups), Decimal(0)) for i in range(len(PAY_FIELDS)))
    return PayGroup(groups[0].department, label, sum(g.headcount for g in groups), sums, True)
