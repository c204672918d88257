"""The ballots' digest: RFC 9162's Merkle tree, checked against the RFC's test vectors
(as published with Certificate Transparency) and against pymerkle, an independent
implementation of the same tree; inclusion proofs checked by the RFC's algorithm."""

import hashlib
import random

import pytest
from pymerkle import InmemoryTree

from fanrepublic.governance import merkle

BALLOTS = [{"receipt": f"{n:032x}", "choice": [n % 3]} for n in range(7)]


def ballots(n, seed=0):
    rng = random.Random(seed)
    return [{"receipt": f"{rng.getrandbits(128):032x}", "choice": [rng.randint(1, 4)]} for _ in range(n)]


def test_the_tree_hashes_of_the_rfc_test_vectors():
    # The eight leaves and the roots of their first 1..8 as in the Certificate
    # Transparency reference tests of RFC 6962/9162 trees.
    leaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657"]
    leaves.append("606162636465666768696a6b6c6d6e6f")
    roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
    hashed = [hashlib.sha256(b"\x00" + bytes.fromhex(leaf)).digest() for leaf in leaves]
    for size, expected in enumerate(roots, start=1):
        assert merkle._levels(hashed[:size])[-1][0].hex() == expected
    assert merkle.root([]) == hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize("size", [*range(1, 34), 64, 65, 100, 257])
def test_roots_and_audit_paths_agree_with_pymerkle(size):
    given = ballots(size, seed=size)
    tree = InmemoryTree(algorithm="sha256")
    for ballot in merkle.in_receipt_order(given):
        tree.append_entry(merkle.canonical(ballot))
    root = merkle.root(given)
    # pymerkle 7 names it get_root(); 6 (which pymc's cachetools pin allows) get_state()
    tree_root = tree.get_root() if hasattr(tree, "get_root") else tree.get_state()
    assert tree_root.hex() == root
    for ballot in given:
        proof = merkle.proof(given, ballot["receipt"])
        theirs = tree.prove_inclusion(proof["leaf_index"] + 1)  # pymerkle counts from 1
        assert [h.hex() for h in theirs.path] == [proof["leaf_hash"], *proof["audit_path"]]
        assert merkle.verify(ballot, proof, root)


def test_a_proof_for_another_place_size_or_choice_fails():
    given = ballots(13, seed=3)
    root = merkle.root(given)
    proof = merkle.proof(given, given[4]["receipt"])
    assert merkle.verify(given[4], proof, root)
    assert not merkle.verify({**given[4], "choice": [9]}, proof, root)
    assert not merkle.verify(given[4], {**proof, "leaf_index": proof["leaf_index"] ^ 1}, root)
    assert not merkle.verify(given[4], {**proof, "tree_size": 2}, root)
    assert not merkle.verify(given[4], {**proof, "audit_path": proof["audit_path"][:-1]}, root)
    assert not merkle.verify(given[4], {**proof, "leaf_index": 13, "tree_size": 13}, root)


class TestOneRootOneListOfBallots:
    def test_a_copy_of_the_last_ballot_changes_the_root_and_a_repeated_receipt_is_refused(self):
        # The first tree paired an odd node with itself: seven ballots and the same seven
        # with the last repeated had one root.
        old = [merkle._legacy_leaf(b) for b in BALLOTS]
        assert merkle._legacy_levels(old)[-1] == merkle._legacy_levels([*old, old[-1]])[-1]
        leaves = [merkle.leaf_hash(b) for b in BALLOTS]
        assert merkle._levels(leaves)[-1] != merkle._levels([*leaves, leaves[-1]])[-1]
        with pytest.raises(merkle.DuplicateReceipt):
            merkle.root([*BALLOTS, BALLOTS[-1]])
        copy = {**BALLOTS[-1], "receipt": "f" * 32}
        assert merkle.root([*BALLOTS, copy]) != merkle.root(BALLOTS)

    def test_a_leaf_cannot_pose_as_a_node(self):
        # Domain separation: the bytes of a node, hashed as a leaf, give another hash.
        left, right = merkle.leaf_hash(BALLOTS[0]), merkle.leaf_hash(BALLOTS[1])
        node = merkle._node(left, right)
        assert hashlib.sha256(b"\x00" + left + right).digest() != node

    def test_a_changed_choice_or_a_missing_ballot_changes_the_root(self):
        root = merkle.root(BALLOTS)
        altered = [dict(b) for b in BALLOTS]
        altered[3]["choice"] = [9]
        assert merkle.root(altered) != root and merkle.root(BALLOTS[:-1]) != root
        assert not merkle.verify(altered[3], merkle.proof(BALLOTS, altered[3]["receipt"]), root)

    def test_order_of_the_file_does_not_matter(self):
        assert merkle.root(list(reversed(BALLOTS))) == merkle.root(BALLOTS)
        assert merkle.proof(BALLOTS, "nope") is None


def test_the_first_tree_is_still_rebuilt_for_votes_published_under_it():
    # The root a vote published before the RFC 9162 tree carries.
    assert merkle.root(BALLOTS, merkle.LEGACY_SCHEME) == (
        "4d347edc42b0b49c9aed258c7d170df7deaefcdfcfe9d0845520fe58d5a82b8c"
    )
    root = merkle.root(BALLOTS, merkle.LEGACY_SCHEME)
    for ballot in BALLOTS:
        assert merkle.verify(ballot, merkle.proof(BALLOTS, ballot["receipt"], merkle.LEGACY_SCHEME), root)
