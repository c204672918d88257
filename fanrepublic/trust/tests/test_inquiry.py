"""Given/when/then: the store-chat inquiry detector recognises clear asks in both
languages, ignores chat (greetings, thanks, stickers, links, stories that mention a
price, everyday words from its lexicons) and negated words, survives odd input, keeps
the quality it was measured at on the held-out split, chit-chat false positives
included (docs/trust-inquiry.md), trains reproducibly, and its labelled sample is
well-formed.

No database: the detector is plain Python."""

import csv
import unicodedata
from collections import Counter

import numpy as np
import pytest

from fanrepublic.trust import inquiry
from fanrepublic.trust.inquiry import INTENTS, SAMPLE_PATH, apply_rules, classify, is_small_talk, normalise

COLUMNS = ["text", "lang", *INTENTS, "sentiment", "is_question", "split"]


def rule_intents(text: str) -> frozenset[str]:
    return apply_rules(normalise(text)).intents


@pytest.fixture(scope="module")
def report():
    return inquiry.evaluate()


# --- The rules on clear examples ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, intent",
    [
        ("店长，这个多少钱？", "price"),
        ("双十一有没有优惠", "price"),
        ("现在买能打折吗", "price"),
        ("How much is the Orange 15 Pro?", "price"),
        ("Any discount for students?", "price"),
        ("黑色的还有货吗", "stock"),
        ("净化器什么时候到货", "stock"),
        ("512G 缺货了？", "stock"),
        ("Is the white one in stock?", "stock"),
        ("Sold out again??", "stock"),
        ("我想买一台扫地机", "purchase_intent"),
        ("怎么下单呀", "purchase_intent"),
        ("求链接", "purchase_intent"),
        ("I want to buy the Band 9", "purchase_intent"),
        ("Where can I buy the SU7?", "purchase_intent"),
        ("我要投诉", "complaint"),
        ("扫地机坏了，我要退货", "complaint"),
        ("质量太差了", "complaint"),
        ("My purifier arrived broken, I want a refund", "complaint"),
        ("Terrible service, I want to complain", "complaint"),
    ],
)
def test_a_clear_ask_fires_its_rule(text, intent):
    # Given a message that says its intent in so many words
    # When the rules read it
    result = apply_rules(normalise(text))
    # Then that intent's rule fires and names the phrase that made it fire
    assert intent in result.intents
    assert any(hit.startswith(f"{intent}:") for hit in result.matched)


@pytest.mark.parametrize(
    "text, intent",
    [
        ("不贵，性价比很高", "price"),
        ("说实话一点都不贵", "price"),
        ("Not expensive at all for these specs", "price"),
        ("质量挺好的，一点都不差", "complaint"),
        ("用了两年没坏过", "complaint"),
        ("不用退了，已经好了", "complaint"),
        ("No complaints here, works great", "complaint"),
        ("Not bad at all", "complaint"),
        ("不买了，太折腾了", "purchase_intent"),
        ("我已经下单了，坐等收货", "purchase_intent"),
        ("I'm not buying anything, just lurking", "purchase_intent"),
        ("I already ordered mine", "purchase_intent"),
    ],
)
def test_a_negated_word_does_not_fire_its_rule(text, intent):
    # Given a lexicon word inside a negation, or an intent already fulfilled
    # When the rules read it
    # Then that intent's rule stays silent
    assert intent not in rule_intents(text)


def test_a_question_about_an_intent_wants_an_answer_and_a_statement_does_not():
    # Given the same intent asked and stated
    asked = classify("这个多少钱？")
    stated = classify("决定了，下个月发工资就买")
    # Then only the ask needs staff
    assert asked.is_question and "price" in asked.intents
    assert "purchase_intent" in stated.intents
    assert not stated.is_question


def test_a_complaint_always_wants_an_answer_and_is_negative():
    # Given a complaint with no question mark
    result = classify("收到的手环屏幕有划痕，差评")
    # Then staff must answer it, and it counts against the temperature
    assert "complaint" in result.intents
    assert result.is_question
    assert result.sentiment == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "大家好",
        "各位早上好",
        "晚安各位🌙",
        "谢谢店长，收到了",
        "店长辛苦了",
        "Good morning everyone!",
        "Hi all, new here 👋",
        "Thanks!",
        "嗯嗯",
        "好的",
        "[图片]",
    ],
)
def test_greetings_thanks_and_photos_are_nothing(text):
    # Given chat that asks nothing
    result = classify(text)
    # Then no intent and nothing for staff to answer
    assert result.intents == frozenset()
    assert not result.is_question


def test_thanking_the_store_manager_is_not_buying():
    # 店长 mostly appears in buying questions, and naive Bayes alone took "谢谢店长！" for
    # one; thanks addressed to someone is small talk and never reaches the model.
    assert classify("谢谢店长！").intents == frozenset()


# --- Chit-chat is not an inquiry -----------------------------------------------------------

# Lines that must never count as asking or complaining: each one would feed "asked three
# times in 14 days" or a complaint. Greetings, thanks and acknowledgements, stickers,
# links and photos, stories that mention a price, stock or a purchase, questions to other
# members, everyday uses of lexicon words, usage questions, praise and rhetorical
# questions.
CHIT_CHAT = [
    "哈哈哈今天天气不错",
    "早上好",
    "thanks all!",
    "刚到家",
    "刚下班，累死了",
    "[强][强]",
    "[捂脸]",
    "[图片] 周末车友会合影",
    "👍",
    "https://mp.weixin.qq.com/s/xYz",
    "收到",
    "+1",
    "666",
    "好的",
    "OK👌",
    "lol same",
    "好的好的，谢谢店长",
    "Good night everyone 🌙",
    "哈喽，有人吗",
    "@店长",
    "我上周买的，价格还行",
    "券我已经领了，谢谢提醒",
    "快递到货了，开箱！",
    "抢到了！手速还可以",
    "昨天提的车，开心😄",
    "already got mine",
    "My neighbour just bought one too",
    "I got the discount with my student card, nice",
    "How much fun was that!",
    "你们周末去哪玩？",
    "周末谁去露营？",
    "明天几点集合？",
    "晚上一起吃火锅吗",
    "周末爬山算我一个",
    "帮我留个座，马上到",
    "我想要个长假",
    "Put me down for the hike on Sunday",
    "堵车堵得离谱",
    "股票又跌了，好失望",
    "Traffic is terrible today",
    "手环怎么连接手机",
    "How do I pair the band with my new phone?",
    "扫地机太好用了，解放双手",
    "这颜值谁顶得住啊",
]

# Lines that must stay inquiries, chit-chat words around them included: the demo's and
# the browser journey's questions (fanrepublic/trust/demo.py, test_browser.py), and asks
# that arrive with a link, a photo, thanks or an acknowledgement.
INQUIRIES = [
    ("店长，15 Pro 的 512G 绿色还有货吗？", "stock"),
    ("那个价格能便宜点吗", "price"),
    ("我想下单，周末能到店提吗？", "stock"),
    ("这款 15 Pro 多少钱？", "price"),
    ("店里有现货吗？", "stock"),
    ("我想买一台，怎么下单？", "purchase_intent"),
    ("这款多少钱？有现货吗？", "price"),
    ("这款多钱", "price"),
    ("https://item.jd.com/100012.html 这个链接能买吗？", "purchase_intent"),
    ("[图片] 这个颜色还有货吗", "stock"),
    ("收到，那我要一台黑色的", "purchase_intent"),
    ("谢谢店长，帮我留一台", "purchase_intent"),
    ("好的，什么时候到货？", "stock"),
    ("Thanks! How much is the 512GB?", "price"),
    ("Is the green one in stock?", "stock"),
    ("Where can I buy the Band 9?", "purchase_intent"),
    ("Can you hold a silver one for me?", "purchase_intent"),
    ("收到的手环屏幕有划痕，差评", "complaint"),
    ("扫地机坏了，能换新吗", "complaint"),
    ("My purifier arrived broken, I want a refund", "complaint"),
]


@pytest.mark.parametrize("text", CHIT_CHAT)
def test_chit_chat_is_not_an_inquiry(text):
    # Given a line of chat that asks the store nothing
    result = classify(text)
    # Then it has no intent and nothing for staff to answer, so it is not counted as asking
    assert result.intents == frozenset(), result
    assert not result.is_question


@pytest.mark.parametrize("text, intent", INQUIRIES)
def test_an_inquiry_stays_an_inquiry(text, intent):
    # Given a real ask or complaint, with or without chat around it
    result = classify(text)
    # Then it keeps its intent and wants an answer
    assert intent in result.intents, result
    assert result.is_question


def test_the_demo_customer_asks_three_times():
    # The demo's member writes these three lines in one evening (fanrepublic/trust/demo.py)
    # so that the rule "asked three times in 14 days without buying" opens their case.
    lines = ["店长，15 Pro 的 512G 绿色还有货吗？", "那个价格能便宜点吗", "我想下单，周末能到店提吗？"]
    results = [classify(line) for line in lines]
    # Each is a question with an intent and none is a complaint: each counts as asking
    assert all(r.is_question and r.intents and "complaint" not in r.intents for r in results)


@pytest.mark.parametrize(
    "text",
    [
        "收到",
        "好的好的",
        "嗯嗯",
        "谢谢店长！",
        "Thanks!",
        "good morning all ☀️",
        "+1",
        "111",
        "[强][强]",
        "https://youtu.be/xYz123",
        "[Sticker]",
        "@店长",
        "哈哈哈哈",
        "",
        "🙏",
    ],
)
def test_small_talk_is_recognised(text):
    assert is_small_talk(normalise(text))


@pytest.mark.parametrize(
    "text",
    [
        "好的，多少钱？",
        "谢谢，有货吗",
        "收到，我要一台",
        "thanks, is it in stock?",
        "在吗？扫地机坏了",
        "[512G] 还有吗",
        "https://item.jd.com/1.html 能买吗",
    ],
)
def test_small_talk_around_an_ask_is_not_small_talk(text):
    assert not is_small_talk(normalise(text))


@pytest.mark.parametrize(
    "text, intent",
    [
        ("我想要个长假", "purchase_intent"),
        ("周末爬山算我一个", "purchase_intent"),
        ("Put me down for the hike", "purchase_intent"),
        ("堵车堵得离谱", "complaint"),
        ("Traffic is terrible today", "complaint"),
        ("Can't wait for summer to come back", "stock"),
    ],
)
def test_an_everyday_word_needs_the_store_around_it(text, intent):
    # Given a weak phrase with nothing about the products or the store
    # Then its rule stays silent
    assert intent not in rule_intents(text)


@pytest.mark.parametrize(
    "text, intent",
    [
        ("我想要一台黑色的", "purchase_intent"),
        ("算我一个，要两台", "purchase_intent"),
        ("Put me down for the purifier please", "purchase_intent"),
        ("售后太离谱了", "complaint"),
        ("The delivery was terrible", "complaint"),
    ],
)
def test_an_everyday_word_about_the_store_fires(text, intent):
    assert intent in rule_intents(text)


@pytest.mark.parametrize(
    "text, intent, fires",
    [
        ("我上周买的，价格还行", "price", False),
        ("优惠券我用掉了，省了50", "price", False),
        ("快递到货了，开箱！", "stock", False),
        ("还有人没到吗，我们快出发了", "stock", False),
        ("价格多少", "price", True),
        ("太贵了吧", "price", True),
        ("有现货的话我直接过来拿", "stock", True),
        ("坐等补货", "stock", True),
        ("到货了吗", "stock", True),
    ],
)
def test_a_price_or_stock_word_in_a_story_is_not_an_ask(text, intent, fires):
    # A price or stock phrase needs a question or request, unless it is an objection, a
    # wait or a condition; stories and hearsay are blanked.
    assert (intent in rule_intents(text)) is fires


@pytest.mark.parametrize("text", ["👍👍👍", "😂", "🙏🙏", "❤️🎉", "", "   ", "？？", "..."])
def test_emoji_punctuation_and_empty_messages_are_nothing(text):
    result = classify(text)
    assert result == inquiry.Classification(frozenset(), "neutral", False, ())


def test_a_very_long_message_keeps_the_ask_at_its_end():
    # Given a pasted wall of text with the question at the very end
    text = "在吗 " + "哈" * 200_000 + " 这个多少钱？"
    # When it is classified
    result = classify(text)
    # Then the length is bounded and the ask is still seen
    assert len(normalise(text)) <= inquiry.MAX_HEAD_CHARS + inquiry.MAX_TAIL_CHARS + 1
    assert "price" in result.intents
    assert result.is_question


def test_a_lone_surrogate_is_dropped_without_crashing():
    # Given a message with half an emoji, as some clients send
    text = "亲 \ud83d 这个多少钱 \udc4d"
    # When it is classified
    result = classify(text)
    # Then the surrogates are gone, the text encodes, and the ask is still seen
    assert "\ud83d" not in normalise(text)
    normalise(text).encode("utf-8")
    assert "price" in result.intents


def test_full_width_punctuation_counts_as_a_question_mark():
    assert normalise("有货吗？") == "有货吗?"
    assert apply_rules(normalise("店长有现货？")).asks


def test_the_result_only_uses_known_values():
    result = classify("SU7 现在订多久提车，有什么购车优惠")
    assert result.intents <= set(INTENTS)
    assert result.sentiment in inquiry.SENTIMENTS
    assert isinstance(result.is_question, bool)
    assert all(isinstance(hit, str) for hit in result.matched_rules)


# --- Quality on the held-out split --------------------------------------------------------

# Floors a little below what `manage.py inquiry_eval` measured (docs/trust-inquiry.md):
# a change that loses more than that fails here. Quality, not timing.
COMBINED_FLOORS = {
    "purchase_intent": {"recall": 0.72, "f1": 0.72},
    "price": {"precision": 0.80, "recall": 0.83},
    "stock": {"recall": 0.88, "f1": 0.80},
    "complaint": {"precision": 0.82, "recall": 0.62},
    "is_question": {"precision": 0.88, "recall": 0.81},
}
# The share of chit-chat rows (labelled with no intent) given an intent anyway: the
# target is under 10 %, overall and in each language.
CHIT_CHAT_CEILING = 0.10


@pytest.mark.parametrize("label", list(COMBINED_FLOORS))
def test_combined_detector_keeps_its_measured_quality(report, label):
    # Given the detector trained on the train rows
    # When it is scored on the held-out test rows
    scores = report["combined"]["all"][label]
    # Then it is no worse than measured, less a small margin
    for measure, floor in COMBINED_FLOORS[label].items():
        assert scores[measure] >= floor, f"{label} {measure} {scores[measure]:.2f} < {floor}"


@pytest.mark.parametrize("lang", inquiry.LANGUAGES)
def test_questions_are_found_in_both_languages(report, lang):
    assert report["combined"][lang]["is_question"]["recall"] >= 0.78
    assert report["combined"][lang]["is_question"]["precision"] >= 0.85


@pytest.mark.parametrize("scope", ["all", *inquiry.LANGUAGES])
def test_chit_chat_is_rarely_taken_for_an_inquiry(report, scope):
    # Given the held-out chit-chat rows (greetings, thanks, stickers, links, stories,
    # questions to other members)
    chat = report["combined"][scope]["chit_chat"]
    # Then fewer than one in ten gets an intent, which would count as asking or complaining
    assert chat["rows"] >= 40
    assert chat["false_positive_rate"] < CHIT_CHAT_CEILING, chat


@pytest.mark.parametrize("label", [*INTENTS, "is_question"])
def test_rules_alone_are_precise(report, label):
    # The rules' job is precision; their recall is what the classifier is for. (The
    # sample's hard negatives are written to contain lexicon words, hence 0.85, not more.)
    assert report["rules"]["all"][label]["precision"] >= 0.85


def test_combining_finds_more_than_either_part_alone(report):
    for label in INTENTS:
        combined = report["combined"]["all"][label]["recall"]
        assert combined >= report["rules"]["all"][label]["recall"]
        assert combined >= report["classifier"]["all"][label]["recall"]


def test_sentiment_keeps_its_measured_accuracy(report):
    assert report["combined"]["all"]["sentiment_accuracy"] >= 0.76


# --- Training -----------------------------------------------------------------------------


def test_training_twice_gives_the_same_model():
    # Given the same training rows
    examples = [example for example in inquiry.load_sample() if example.split == "train"]
    # When the model is trained twice
    first, second = inquiry.train(examples), inquiry.train(examples)
    # Then thresholds, vocabulary and every probability are identical
    texts = [example.text for example in inquiry.load_sample() if example.split == "test"]
    assert first.thresholds == second.thresholds
    assert first.vectorizer.vocabulary_ == second.vectorizer.vocabulary_
    first_probabilities, second_probabilities = first.probabilities(texts), second.probabilities(texts)
    for label in first_probabilities:
        assert np.array_equal(first_probabilities[label], second_probabilities[label])
    assert first.sentiments(texts) == second.sentiments(texts)


def test_the_model_is_trained_once_per_process():
    assert inquiry.default_model() is inquiry.default_model()


def test_thresholds_come_from_the_grid():
    model = inquiry.default_model()
    assert set(model.thresholds) == {*INTENTS, "is_question"}
    assert set(model.thresholds.values()) <= set(inquiry.THRESHOLD_GRID)


# --- The labelled sample ------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_rows():
    with SAMPLE_PATH.open(encoding="utf-8", newline="") as sample:
        reader = csv.DictReader(sample)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_sample_is_large_enough_and_mostly_chinese(sample_rows):
    assert len(sample_rows) >= 500
    share_zh = sum(row["lang"] == "zh" for row in sample_rows) / len(sample_rows)
    assert 0.6 <= share_zh <= 0.8


def test_sample_flags_and_values_are_valid(sample_rows):
    for row in sample_rows:
        assert row["text"].strip(), row
        assert row["lang"] in inquiry.LANGUAGES, row
        assert row["sentiment"] in inquiry.SENTIMENTS, row
        assert row["split"] in ("train", "test"), row
        for flag in (*INTENTS, "is_question"):
            assert row[flag] in ("0", "1"), row


def test_sample_follows_the_labelling_guide(sample_rows):
    # Complaints always want an answer, and only messages with an intent want one
    # (docs/trust-inquiry.md, "Labels").
    for row in sample_rows:
        if row["complaint"] == "1":
            assert row["is_question"] == "1", row
        if row["is_question"] == "1":
            assert any(row[intent] == "1" for intent in INTENTS), row


def test_sample_has_no_duplicate_texts(sample_rows):
    normalised = Counter(unicodedata.normalize("NFKC", row["text"]).strip().lower() for row in sample_rows)
    assert [text for text, count in normalised.items() if count > 1] == []


def test_both_languages_are_in_both_splits_at_about_seventy_thirty(sample_rows):
    for lang in inquiry.LANGUAGES:
        rows = [row for row in sample_rows if row["lang"] == lang]
        test_share = sum(row["split"] == "test" for row in rows) / len(rows)
        assert 0.25 <= test_share <= 0.35, lang


def test_every_label_has_examples_in_both_splits(sample_rows):
    for split in ("train", "test"):
        rows = [row for row in sample_rows if row["split"] == split]
        for flag in (*INTENTS, "is_question"):
            assert sum(row[flag] == "1" for row in rows) >= 10, (split, flag)
        assert {row["sentiment"] for row in rows} == set(inquiry.SENTIMENTS)
