"""An exact solver for the assignment problem (the Hungarian method, Kuhn-Munkres), in pure Python.

Matching mentors to groups uses it with one column per free place of each mentor; it knows nothing of mentoring.
"""

from __future__ import annotations

from itertools import compress, repeat
from operator import add, lt, sub


def solve_assignment(cost: list[list[int]], width: int) -> list[int]:
    """The column assigned to each row, minimising the total cost; every row gets a distinct column.

    Requires len(cost) <= width and non-negative integer costs. Shortest augmenting paths with potentials: for each
    row in turn, a Dijkstra search over reduced costs ``cost[i][j] - u[i] - v[j]`` (never negative) finds the
    cheapest way to give it a column, moving other rows along the path; the potentials are then updated so that
    reduced costs stay non-negative and assigned pairs keep a reduced cost of zero.
    """
    n = len(cost)
    infinite = 1 << 62  # more than any distance: every row reaches every column at a finite cost
    u = [0] * n
    v = [0] * width
    column_of = [-1] * n
    row_of = [-1] * width
    columns = range(width)
    for start in range(n):
        reached: list[tuple[int, int]] = []  # (column, its final distance), in the order they were reached
        done = [False] * width
        # Tentative distances of the columns (`infinite` once reached); the first step reaches every column.
        row = start
        distance = list(map(add, map(sub, cost[row], v), repeat(-u[row], width)))
        path = [row] * width  # the row through which each column was reached
        while True:
            lowest = min(distance)
            column = distance.index(lowest)
            reached.append((column, lowest))
            done[column] = True
            distance[column] = infinite
            row = row_of[column]
            if row < 0:
                break
            # Relax every column through `row`; a column already reached never improves (reduced costs >= 0).
            candidate = list(map(add, map(sub, cost[row], v), repeat(lowest - u[row], width)))
            for j in compress(columns, map(lt, candidate, distance)):
                if not done[j]:
                    distance[j] = candidate[j]
                    path[j] = row
        # Update the potentials, then augment along the path ending at the free `column`.
        u[start] += lowest
        for j, reached_at in reached[:-1]:
            u[row_of[j]] += lowest - reached_at
            v[j] -= lowest - reached_at
        while True:
            row = path[column]
            row_of[column] = row
            column_of[row], column = column, column_of[row]
            if row == start:
                break
    return column_of
