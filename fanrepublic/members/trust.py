"""Trust levels, in the spirit of Discourse's: earned by taking part over time.

The counters come from the activity event log (members never import the forum); the
verbs named here are the ones the forum records. Thresholds are cumulative: a level
requires everything its row asks for. Staff can lock a member's level by hand.
"""

from dataclasses import dataclass

from .enums import TrustLevel

VISIT_VERB = "member.visited"
READ_VERB = "forum.topic.read"
TOPIC_VERB = "forum.topic.created"
REPLY_VERB = "forum.reply.created"
LIKE_VERBS = ("forum.topic.liked", "forum.reply.liked")
UNLIKE_VERBS = ("forum.topic.unliked", "forum.reply.unliked")
ACCEPTED_VERB = "forum.topic.accepted"


@dataclass(frozen=True)
class Requirement:
    days_visited: int = 0
    topics_read: int = 0
    posts: int = 0
    likes_given: int = 0
    likes_received: int = 0
    suggestions_accepted: int = 0


REQUIREMENTS: dict[int, Requirement] = {
    TrustLevel.BASIC: Requirement(days_visited=1, topics_read=5),
    TrustLevel.MEMBER: Requirement(days_visited=15, topics_read=30, posts=3, likes_given=1, likes_received=1),
    TrustLevel.REGULAR: Requirement(
        days_visited=50, topics_read=100, posts=10, likes_given=10, likes_received=10
    ),
    TrustLevel.LEADER: Requirement(
        days_visited=100,
        topics_read=250,
        posts=50,
        likes_given=30,
        likes_received=50,
        suggestions_accepted=3,
    ),
}


def level_for(stats) -> int:
    level = TrustLevel.NEW
    for candidate in sorted(REQUIREMENTS):
        req = REQUIREMENTS[candidate]
        if (
            stats.days_visited >= req.days_visited
            and stats.topics_read >= req.topics_read
            and stats.posts >= req.posts
            and stats.likes_given >= req.likes_given
            and stats.likes_received >= req.likes_received
            and stats.suggestions_accepted >= req.suggestions_accepted
        ):
            level = candidate
        else:
            break
    return int(level)


# What others doing something with a member's work is worth to the member's
# contribution score. Later programmes add their verbs (e.g. a bug report judged valid).
REPUTATION_RULES: dict[str, tuple[int, str]] = {
    "forum.topic.liked": (1, "like"),
    "forum.reply.liked": (1, "like"),
    "forum.topic.unliked": (-1, "like withdrawn"),
    "forum.reply.unliked": (-1, "like withdrawn"),
    "forum.topic.accepted": (10, "suggestion accepted"),
    "forum.topic.voted": (1, "vote on suggestion"),
    "forum.topic.unvoted": (-1, "vote withdrawn"),
    "bounty.report.valid": (15, "report judged valid"),
}
