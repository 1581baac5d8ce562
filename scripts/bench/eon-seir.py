#!/usr/bin/env python3
"""EoN's Gillespie_simple_contagion on the SEIR of BenchmarkCompartmentalSEIR.

G(n,p) with n = 1e5 (or the second argument) and mean degree 5 (NetworkX fast_gnp_random_graph),
beta = sigma = gamma = 1, 0.1% of the nodes infected at t = 0; runs to
the end (tmax = inf). Prints, per run, the wall and CPU time of the simulation
alone (not the graph's generation), the final size (nodes ever exposed,
seeds included) and transitions per second, counted as the Go benchmark
counts them: three per node ever infected (S->E, E->I, I->R; the seeds
count as one more each, as in the Go count).

Needs EoN on PYTHONPATH (its source, github.com/springer-math/
Mathematics-of-Epidemics-on-Networks, is not part of this repository) and
NetworkX, NumPy, SciPy (Debian: python3-networkx python3-numpy
python3-scipy). Usage:

    PYTHONPATH=/path/to/EoN-parent /usr/bin/python3 scripts/bench/eon-seir.py [runs [n]]
"""
import random
import sys
import time

import networkx as nx
import EoN

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
mean_degree = 5.0
beta = sigma = gamma = 1.0

H = nx.DiGraph()  # spontaneous transitions
H.add_edge("E", "I", rate=sigma)
H.add_edge("I", "R", rate=gamma)
J = nx.DiGraph()  # induced: an I neighbour moves S to E
J.add_edge(("I", "S"), ("I", "E"), rate=beta)

random.seed(1)
G = nx.fast_gnp_random_graph(n, mean_degree / (n - 1), seed=1)
print(f"EoN {getattr(EoN, '__version__', '?')}, NetworkX {nx.__version__}, n = {n}, edges = {G.number_of_edges()}")
for run in range(runs):
    IC = {v: "S" for v in G}
    for v in random.sample(range(n), n // 1000):
        IC[v] = "I"
    t0, c0 = time.perf_counter(), time.process_time()
    t, S, E, I, R = EoN.Gillespie_simple_contagion(G, H, J, IC, ("S", "E", "I", "R"), tmax=float("inf"))
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    ever = n - S[-1]
    print(f"run {run}: {dt:.2f} s wall, {dc:.2f} s CPU, final size {ever / n:.4f}, "
          f"{3 * ever / dt:.0f} transitions/s, {3 * ever / dc:.0f} transitions/cpu-s")
