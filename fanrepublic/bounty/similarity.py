"""Duplicate candidates by text similarity, in Chinese and English: both sides are cut
into words with jieba (core.search) and compared with RapidFuzz's token-set ratio, which
scores word overlap regardless of order and length — "相机 闪退" matches a report titled
"打开 相机 就 闪退" as well as "camera crashes" matches "the camera app crashes"."""

from rapidfuzz import fuzz, process, utils

from fanrepublic.core.search import segment

THRESHOLD = 60
LIMIT = 5


def words(*parts: str) -> str:
    return " ".join(segment(" ".join(p for p in parts if p)))


def similar(query: str, candidates: dict[int, str], *, limit: int = LIMIT) -> list[tuple[int, float]]:
    """(candidate id, score 0–100) of the closest candidates above the threshold."""
    if not query or not candidates:
        return []
    found = process.extract(
        query,
        candidates,
        scorer=fuzz.token_set_ratio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=THRESHOLD,
    )
    return [(key, round(score, 1)) for _text, score, key in found]
