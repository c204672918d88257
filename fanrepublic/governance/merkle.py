"""The published digest of a vote's ballots: a Merkle tree over the anonymised ballots in
receipt order. A voter proves their ballot is counted with the path from its leaf to the
root; anyone can rebuild the root from the downloaded ballots.

The tree is RFC 9162's (Certificate Transparency 2.0, §2.1.1), scheme "rfc9162-sha256":
a leaf is SHA-256(0x00 || ballot), a node SHA-256(0x01 || left || right), and n leaves
split at the largest power of two below n — so an odd node is promoted, never paired with
itself, and no two different lists of ballots share a root. Inclusion proofs are RFC 9162
§2.1.3 audit paths, checked with its §2.1.3.2 algorithm. A ballot is its canonical JSON,
`{"choice":[...],"receipt":"..."}` (keys sorted, no spaces); two ballots may not share a
receipt.

Votes published before this scheme carry "fr-merkle-v1" (sha256("leaf:"+json) leaves,
sha256("node:"+left+right) nodes, an odd node paired with itself, in which appending a
copy of the last ballot kept the root): their roots are still rebuilt by that rule so
that what was published stays checkable.

Why not pymerkle, which builds the same tree: it spends ~40 µs a leaf (a lock and node
objects per append), 15 times this module's level-by-level hashing, and the verify page
rebuilds the tree for each receipt. The tests check this module against pymerkle and the
RFC's test vectors."""

import hashlib
import json

SCHEME = "rfc9162-sha256"
LEGACY_SCHEME = "fr-merkle-v1"
SCHEMES = (SCHEME, LEGACY_SCHEME)


class DuplicateReceipt(ValueError):
    """Two ballots share a receipt: not a list of ballots the site could have published."""


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"))  # one, not one per ballot


def canonical(ballot: dict) -> bytes:
    """The bytes a ballot is hashed as: receipt and choice, keys sorted, no spaces."""
    return _ENCODER.encode({"receipt": ballot["receipt"], "choice": ballot["choice"]}).encode()


def in_receipt_order(ballots: list[dict]) -> list[dict]:
    ordered = sorted(ballots, key=lambda b: b["receipt"])
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before["receipt"] == after["receipt"]:
            raise DuplicateReceipt(after["receipt"])
    return ordered


def leaf_hash(ballot: dict) -> bytes:
    return hashlib.sha256(b"\x00" + canonical(ballot)).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _levels(leaves: list[bytes]) -> list[list[bytes]]:
    """Level by level, pairing from the left and promoting an odd last node: the same tree
    as RFC 9162's recursive split at the largest power of two below n."""
    levels = [leaves]
    while len(levels[-1]) > 1:
        level = levels[-1]
        parents = [_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            parents.append(level[-1])
        levels.append(parents)
    return levels


def root(ballots: list[dict], scheme: str = SCHEME) -> str:
    """The root over the ballots in receipt order; raises DuplicateReceipt."""
    if scheme == LEGACY_SCHEME:
        return _legacy_root(ballots)
    if scheme != SCHEME:
        raise ValueError(f"unknown digest scheme {scheme!r}")
    ordered = in_receipt_order(ballots)
    if not ordered:
        return hashlib.sha256(b"").hexdigest()  # RFC 9162: the hash of an empty string
    return _levels([leaf_hash(b) for b in ordered])[-1][0].hex()


def proof(ballots: list[dict], receipt: str, scheme: str = SCHEME) -> dict | None:
    """The receipt's inclusion proof: its leaf index (from 0) and hash, the tree size and
    the audit path (sibling hashes from the leaf up), with the side of each sibling for
    people reading along. None when no ballot has this receipt."""
    if scheme == LEGACY_SCHEME:
        return _legacy_proof(ballots, receipt)
    ordered = in_receipt_order(ballots)
    index = next((i for i, b in enumerate(ordered) if b["receipt"] == receipt), None)
    if index is None:
        return None
    levels = _levels([leaf_hash(b) for b in ordered])
    position, path = index, []
    for level in levels[:-1]:
        sibling = position ^ 1
        if sibling < len(level):  # else this node is promoted: no hash at this level
            path.append(("L" if sibling < position else "R", level[sibling].hex()))
        position //= 2
    return {
        "scheme": SCHEME,
        "leaf_index": index,
        "tree_size": len(ordered),
        "leaf_hash": levels[0][index].hex(),
        "audit_path": [digest for _side, digest in path],
        "path": path,
    }


def verify(ballot: dict, inclusion: dict, expected_root: str) -> bool:
    """Does this ballot, with this proof, lead to `expected_root`?"""
    if inclusion.get("scheme") == LEGACY_SCHEME:
        return _legacy_verify(ballot, inclusion["path"], expected_root)
    return verify_inclusion(
        leaf_hash(ballot),
        inclusion["leaf_index"],
        inclusion["tree_size"],
        [bytes.fromhex(h) for h in inclusion["audit_path"]],
        bytes.fromhex(expected_root),
    )


def verify_inclusion(
    leaf: bytes, leaf_index: int, tree_size: int, path: list[bytes], expected: bytes
) -> bool:
    """RFC 9162 §2.1.3.2, step by step."""
    if leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == expected


# The scheme of votes published before issue 11 ---------------------------------------


def _legacy_leaf(ballot: dict) -> str:
    return hashlib.sha256(b"leaf:" + canonical(ballot)).hexdigest()


def _legacy_parent(left: str, right: str) -> str:
    return hashlib.sha256(f"node:{left}{right}".encode()).hexdigest()


def _legacy_levels(leaves: list[str]) -> list[list[str]]:
    levels = [leaves]
    while len(levels[-1]) > 1:
        level = levels[-1]
        if len(level) % 2:
            level = [*level, level[-1]]
        levels.append([_legacy_parent(level[i], level[i + 1]) for i in range(0, len(level), 2)])
    return levels


def _legacy_root(ballots: list[dict]) -> str:
    if not ballots:
        return hashlib.sha256(b"empty").hexdigest()
    return _legacy_levels([_legacy_leaf(b) for b in in_receipt_order(ballots)])[-1][0]


def _legacy_proof(ballots: list[dict], receipt: str) -> dict | None:
    ordered = in_receipt_order(ballots)
    index = next((i for i, b in enumerate(ordered) if b["receipt"] == receipt), None)
    if index is None:
        return None
    path, position = [], index
    for level in _legacy_levels([_legacy_leaf(b) for b in ordered])[:-1]:
        if len(level) % 2:
            level = [*level, level[-1]]
        sibling = position ^ 1
        path.append(("L" if sibling < position else "R", level[sibling]))
        position //= 2
    return {
        "scheme": LEGACY_SCHEME,
        "leaf_index": index,
        "tree_size": len(ordered),
        "leaf_hash": _legacy_leaf(ordered[index]),
        "audit_path": None,
        "path": path,
    }


def _legacy_verify(ballot: dict, path, expected_root: str) -> bool:
    node = _legacy_leaf(ballot)
    for side, sibling in path:
        node = _legacy_parent(sibling, node) if side == "L" else _legacy_parent(node, sibling)
    return node == expected_root
