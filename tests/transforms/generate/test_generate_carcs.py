"""The generated feed speaks the project's code sets: every CARC and RARC it writes is in the seeds,
and each denial's root cause in the ground truth is the seed's root cause of its CARC."""

from __future__ import annotations

from gen_x12_check import split

from transforms.codesets.seeds import read_seed


def _written_codes(feed) -> tuple[set[tuple[str, str]], set[str]]:
    """(group, CARC) pairs of every CAS and the RARCs of every LQ*HE and MOA, read from the 835s."""
    carcs: set[tuple[str, str]] = set()
    rarcs: set[str] = set()
    for path in sorted((feed.landing / "remits").glob("*.835")):
        segments, _ = split(path.read_bytes())
        for seg in segments:
            if seg[0] == "CAS":
                carcs |= {(seg[1], seg[i]) for i in range(2, len(seg), 3) if seg[i]}
            elif seg[0] == "LQ" and seg[1] == "HE":
                rarcs.add(seg[2])
            elif seg[0] == "MOA":
                rarcs |= {value for value in seg[3:8] if value}
    return carcs, rarcs


def test_every_written_carc_and_rarc_is_in_the_seeds(feed):
    carcs, rarcs = _written_codes(feed)
    seed = {row["carc_code"]: row for row in read_seed("ref_carc_codes")}
    # GIVEN the codes of every 835 written (denials, pricing, patient share, crossovers)
    assert {("CO", "45"), ("PR", "1"), ("OA", "23")} <= carcs and {"MA01", "MA130"} <= rarcs
    # THEN each is in its seed
    assert {carc for _, carc in carcs} - set(seed) == set()
    assert rarcs - {row["rarc_code"] for row in read_seed("ref_rarc_codes")} == set()
    # AND no PR adjustment carries a denial CARC (a patient share is never a denial)
    assert [c for g, c in carcs if g == "PR" and seed[c]["is_denial"] == "true"] == []


def test_ground_truth_denials_have_the_seeds_root_cause(feed):
    seed = {row["carc_code"]: row for row in read_seed("ref_carc_codes")}
    denied = [row for row in feed.truth if row["denial_carc"]]
    assert len(denied) > 50
    # THEN the generator's root cause of each denial is the seed's, and the CARC is a denial
    wrong = {
        (row["denial_carc"], row["denial_root_cause"], seed[row["denial_carc"]]["root_cause"])
        for row in denied
        if seed[row["denial_carc"]]["root_cause"] != row["denial_root_cause"]
        or seed[row["denial_carc"]]["is_denial"] != "true"
    }
    assert wrong == set()
