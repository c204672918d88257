"""The published digest of a vote's ballots: a Merkle tree over the anonymised ballots in
receipt order. A voter proves their ballot is counted with the path from its leaf to the
root; anyone can rebuild the root from the downloaded ballots."""

import hashlib
import json


def canonical(ballot: dict) -> bytes:
    """The bytes a ballot is hashed as: receipt and choice, keys sorted, no spaces."""
    return json.dumps(
        {"receipt": ballot["receipt"], "choice": ballot["choice"]}, sort_keys=True, separators=(",", ":")
    ).encode()


def leaf_hash(ballot: dict) -> str:
    return hashlib.sha256(b"leaf:" + canonical(ballot)).hexdigest()


def _parent(left: str, right: str) -> str:
    return hashlib.sha256(f"node:{left}{right}".encode()).hexdigest()


def _levels(leaves: list[str]) -> list[list[str]]:
    levels = [leaves]
    while len(levels[-1]) > 1:
        level = levels[-1]
        if len(level) % 2:
            level = [*level, level[-1]]  # an odd node is paired with itself
        levels.append([_parent(level[i], level[i + 1]) for i in range(0, len(level), 2)])
    return levels


def root(ballots: list[dict]) -> str:
    """Root over ballots sorted by receipt; the empty vote has the hash of nothing."""
    if not ballots:
        return hashlib.sha256(b"empty").hexdigest()
    leaves = [leaf_hash(b) for b in sorted(ballots, key=lambda b: b["receipt"])]
    return _levels(leaves)[-1][0]


def proof(ballots: list[dict], receipt: str) -> list[tuple[str, str]] | None:
    """The sibling hashes ("L" or "R", hash) from the receipt's leaf up to the root."""
    ordered = sorted(ballots, key=lambda b: b["receipt"])
    index = next((i for i, b in enumerate(ordered) if b["receipt"] == receipt), None)
    if index is None:
        return None
    path = []
    for level in _levels([leaf_hash(b) for b in ordered])[:-1]:
        if len(level) % 2:
            level = [*level, level[-1]]
        sibling = index ^ 1
        path.append(("L" if sibling < index else "R", level[sibling]))
        index //= 2
    return path


def verify(ballot: dict, path: list[tuple[str, str]], expected_root: str) -> bool:
    node = leaf_hash(ballot)
    for side, sibling in path:
        node = _parent(sibling, node) if side == "L" else _parent(node, sibling)
    return node == expected_root
