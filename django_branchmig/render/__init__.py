"""Turn the branch graph into something to look at.

One module per output: ``data`` (the stable JSON of ``branchgraph``, which the
admin page reuses), ``dot`` (Graphviz), ``mermaid``, and ``history`` (the
terminal drawing of ``branchhistory``, laid out by ``lanes``). Each takes a
``BranchGraph`` and, optionally, an ``AppliedState``; none reads a database.
"""
