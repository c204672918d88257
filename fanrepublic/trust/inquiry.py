"""Is a store-chat message a question staff still have to answer, and about what?

Store managers run dozens of WeChat customer groups. Each customer message is sorted
into intents (wanting to buy, price, stock, complaint), a sentiment, and whether it
wants an answer from staff, so unanswered questions can be spotted, a customer's
"trust temperature" fed, and rules such as "asked three times in 14 days without
buying" written. Messages are Simplified Chinese or English, often mixed, colloquial,
with emoji and typos. About half of what customers write in these groups is chit-chat
(greetings, thanks, "收到", "+1", stickers, links, jokes, talk between fans); any intent
given to such a line counts as asking or complaining, so precision on chit-chat matters
as much as recall on real questions.

First, small talk is set aside: links and sticker or attachment placeholders ([强],
[图片]) are removed, and a message left with no letter or character, or with nothing but
greetings, thanks, acknowledgements and laughter ("谢谢店长！", "收到收到👌", "thanks
all!"), has no intent and asks nothing (is_small_talk; the second kind still gets the
model's sentiment). Then two parts, because each covers the other's weakness:

1. Rules: curated lexicons per intent and language (多少钱, 有货, 想买, 退货, how much,
   in stock, where can I buy, refund...), question markers (? 吗 呢 有没有 how/what/
   can...) and request phrases (求链接, 帮我, send me the link). They are meant to be
   precise: a phrase goes in only if it almost always means the intent. Cheap negations
   are handled by blanking the phrase before matching (不贵 is not a price objection,
   没坏 and "no complaints" are not complaints, 已下单 and "already ordered" are not an
   intent to buy, 价格还行 and 快递到货了 are stories), so a lexicon word inside a
   negation cannot fire. Everyday words that only sometimes mean an intent (想要, 算我一个,
   离谱, 失望, terrible, "put me down") are weak phrases: they count only with a topic or
   product word elsewhere in the message. A price or stock phrase counts without a
   question or request marker only as an objection, a wait or a condition (太贵了,
   坐等补货, 有现货的话). Their weakness is recall on phrasings nobody listed.
2. A classifier for what the rules miss: multinomial naive Bayes, one per intent, one
   for "wants an answer" and one (three-class) for sentiment, over counts of jieba
   words, Chinese character bigrams, English words and word bigrams, and a question-mark
   token. Logistic regression (one-vs-rest, TF-IDF) was measured against it and scores
   lower, out of fold on the training split and on the held-out split; `manage.py
   inquiry_eval --model lr` prints it.

Naive Bayes is confident on a single known word ("同意" is 0.99 buying if it once
appeared in a buying message), so an intent the rules did not see may come from the
model only with corroboration (_model_may_add): buying, price and stock need a topic
word (buying, price, stock, delivery, the store; _TOPIC) and a question or request
marker, so usage questions ("手环怎么连接手机") and chat that mentions the product ("My
neighbour just bought one too") stay chat; a complaint needs a word of trouble outside
the complaint negations and a topic or product word, so praise ("扫地机太好用了") and
grumbling about life ("股票又跌了，好失望") stay chat, and must also be predicted
negative. Each model threshold is chosen on the training split alone: five-fold
out-of-fold probabilities for the training rows, then the value on a 0.10-0.90 grid
with the best F1 for the model as classify() uses it (a row its corroboration rules out
counts as not flagged). Choosing instead the best F1 of "rule or model" sounds better
but is not: the lexicons were written with the training messages in view, so on those
rows the rules look nearly perfect and the threshold goes to the top, switching the
model off exactly where new wording needs it.

A message wants an answer when it has an intent and is a complaint (complaints always
need a reply), carries a question marker or request phrase, or reaches the threshold of
the "wants an answer" model (which catches implicit asks such as 有现货的话我直接过来拿).
A message with a question or request marker and a topic word that the "wants an answer"
model also takes for a question, but that no intent model flags, gets the likeliest of
buying, price and stock. A complaint makes the sentiment negative.

The model is trained on first use from the labelled sample (data/inquiry_sample.csv,
its "train" rows, so the published numbers in docs/trust-inquiry.md describe the model
that runs) and kept for the life of the process. Training takes about 0.6 s (five-fold
threshold choice included); the first call also pays jieba's dictionary load (about
0.7 s), which the search code shares. Everything is deterministic: fixed folds, no
random initialisation.
"""

import csv
import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jieba
import numpy as np
from scipy.sparse import diags
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import MultinomialNB

jieba.setLogLevel(logging.WARNING)

INTENTS = ("purchase_intent", "price", "stock", "complaint")
SENTIMENTS = ("positive", "negative", "neutral")
LANGUAGES = ("zh", "en")
SAMPLE_PATH = Path(__file__).parent / "data" / "inquiry_sample.csv"
# Chat messages are short; a pasted article is cut to its head and tail, where the ask
# usually is, so one message cannot make jieba and the regexes slow.
MAX_HEAD_CHARS = 1000
MAX_TAIL_CHARS = 1000
THRESHOLD_GRID = tuple(round(0.1 + 0.05 * step, 2) for step in range(17))
CROSS_VALIDATION_FOLDS = 5
QUESTION = "is_question"
QUESTION_MARK = "p:?"  # the feature token for a ? in the message


@dataclass(frozen=True)
class Classification:
    intents: frozenset[str]
    sentiment: str
    is_question: bool
    # Rule hits as "intent:phrase" ("price:多少钱", "question:?"); an intent without a
    # hit here came from the classifier.
    matched_rules: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    text: str
    lang: str
    labels: frozenset[str]
    sentiment: str
    is_question: bool
    split: str


# --- Normalisation and rules -------------------------------------------------------------

_SURROGATES = re.compile(r"[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
# Links, and the bracketed names WeChat and WeCom put in a message's text for a built-in
# sticker or an attachment ([强], [捂脸], [图片], [Photo], [Sticker]); neither is something
# the customer wrote. Brackets holding a digit ([512G]) are kept.
_URL = re.compile(r"(?:https?://|www\.)\S+")
_PLACEHOLDER = re.compile(r"\[[^\[\]\d]{1,12}\]")


def normalise(text: str) -> str:
    """NFKC (full-width ？！ and letters become ASCII), lower case, links and sticker or
    attachment placeholders removed, one space, bounded length.

    Lone surrogates (broken emoji from some clients) are dropped first: they cannot be
    encoded and would crash jieba or anything that writes the text out."""
    text = _SURROGATES.sub("", text or "")
    text = unicodedata.normalize("NFKC", text).lower()
    text = _PLACEHOLDER.sub(" ", _URL.sub(" ", text))
    text = _SPACES.sub(" ", text).strip()
    if len(text) > MAX_HEAD_CHARS + MAX_TAIL_CHARS:
        text = text[:MAX_HEAD_CHARS] + " " + text[-MAX_TAIL_CHARS:]
    return text


# Phrases that contain a lexicon word but mean the opposite, or an intent that is
# already fulfilled; they are blanked before the intent lexicons run.
_NEGATIONS = {
    "purchase_intent": [
        r"不(想|会|打算|考虑)?买",
        r"不考虑",
        r"放心买",
        r"已经?(下单|买|入手|订)",
        r"(下单|买|入手|订)(了|的)(?!话)",
        r"not (buying|going to buy)",
        r"won'?t (buy|order)",
        r"already (ordered|bought|got)",
        r"never buy",
    ],
    "price": [
        r"(不|不算|没那么|一点都?不)贵",
        r"(以为|担心|怕|觉得)[^,.!?。、]{0,4}贵",
        r"(这|的)?价格?(很|挺|真|超|还)?(香|值|合理|实惠|良心|还行|可以|不错|公道)",
        r"原价(买|入|拿|购)",
        r"(优惠)?券[^,.!?。、]{0,4}(用掉|用了|领了|领到|到手)",
        r"性价比",
        r"not (that |too |so )?(expensive|pricey)",
        r"paid (full )?price",
        r"worth (it|the (price|money))",
        r"(got|used|had|with) (the|a|my|an) (student |member )?(discount|coupon|deal)",
        r"how much (fun|i (love|like|enjoy)|better)",
    ],
    "stock": [
        r"(活动|名额|优惠|券)[^,.!?。、]{0,4}还有(吗|没有|没)",
        r"还有(名额|活动|优惠)",
        r"没货也没关系",
        r"(听说|看到)[^,.!?。、]{0,8}(到货|新货|补货|上架)",
        r"还有(人|谁)",
        r"(已经|终于)到货|到货了(?![吗么没不])",
        r"(heard|saw)[^,.!?。、]{0,20}(arriv|shipment|batch)",
    ],
    "complaint": [
        r"(不|没|没有|一点都?不|一点也不)(差|坏|卡|慢|吵|坑)",
        r"不用退",
        r"不是投诉",
        r"没(有)?(任何|啥|什么)?(问题|毛病)|不(是|成)问题",
        r"没关系|不急|不着急",
        r"问题解决了",
        r"(以为|担心|怕)[^,.!?。、]{0,4}(慢|坏|差|吵)",
        r"no (complaints?|issues|problems)",
        r"not (bad|slow|loud|broken|noisy)",
        r"never (broke|failed)",
        r"no need to (refund|return)",
        r"(isn'?t|wasn'?t) (broken|slow|loud)",
    ],
}

_LEXICONS = {
    "purchase_intent": [
        r"想(买|入手|订|换车)",
        r"要买",
        r"(想|准备|打算)[^,.!?。、]{0,6}买",
        r"(就|必须)(买|冲|拿下)",
        r"买的话",
        r"(线上|网上|可以|能)下单",
        r"(怎么|可以|能)[^,.!?。、]{0,6}(付款|支付|刷卡)",
        r"(能|可以)[^,.!?。、]{0,4}(寄|送|发)到",
        r"(怎么|咋|肿么|如何)(买|下单|订|拍|购买|付款)",
        r"(在哪|哪里|哪儿|哪能|在哪里)(能|可以)?(下单|买|购买)",
        r"购买",
        r"购车",
        r"求(个)?(下单)?链接",
        r"(下单|购买)链接",
        r"(帮我|给我)(订|下个单|也订)",
        r"(留|来)(一|两|二|三|几)(台|个|条|辆)",
        r"我要(下单|订|买|两台|两个|一台|一个)",
        r"拍哪个",
        r"(预约|约)[^,.!?。、]{0,4}(试驾|看车)",
        r"试驾",
        r"(交|付)?定金",
        r"预[定订]",
        r"代付",
        r"采购",
        r"团购",
        r"以旧换新",
        r"货到付款",
        r"分期(买|购)",
        r"(wanna|want to|going to|gonna) (buy|order|get)",
        r"(where|how) (can|do|could) i (buy|get|order|pre-?order|place)",
        r"place an order",
        r"pre-?order",
        r"test drive",
        r"i'?ll take (one|two)",
        r"i'?d like to (buy|order|get)",
        r"(send|share) me the link",
        r"link to (buy|order)",
        r"\bwaitlist\b",
        r"(thinking|thinking about|thinking of) (getting|buying)",
        r"definitely getting",
        r"do you (ship|deliver) to",
        r"can i pay (with|by|in)",
        r"\border (one|two|\d+)\b",
        r"which (one )?should i (get|buy)",
        r"do you sell|that sells",
        r"possible to buy",
        r"\bwant one\b",
        r"add another to my order",
        r"book a (viewing|test)",
        r"saving up for",
    ],
    "price": [
        r"多少(钱|前|米|块)",
        r"几多钱",
        r"多钱",
        r"(啥|什么|神马|咩)价",
        r"价格",
        r"价钱",
        r"(会员|团购|企业|内部|活动|采购|原|落地|套餐|学生|促销|首发|官方)价",
        r"(最低|最少|大概)[^,.!?。、]{0,4}多少",
        r"便宜",
        r"含税",
        r"报价",
        r"优惠",
        r"折扣",
        r"打折",
        r"(打)?几折",
        r"便宜(点|些|多少|一点)",
        r"(降|涨)价",
        r"满减",
        r"(优惠)?券",
        r"首付",
        r"分期",
        r"免息",
        r"利率",
        r"补贴",
        r"保价",
        r"(太|好|真|这么|有点|贵了)贵|贵了",
        r"差价",
        r"运费",
        r"包邮",
        r"(咋|怎么)卖",
        r"(回收|抵|补贴|便宜)多少",
        r"手续费",
        r"送[^,.!?。、]{0,3}(赠品|壳|膜)|赠品",
        r"how much",
        r"\bprices?\b",
        r"\bpricing\b",
        r"\bcosts?\b",
        r"discount",
        r"coupon",
        r"\bpromo",
        r"\bsale\b",
        r"\bdeals?\b",
        r"\bcheap(er)?\b",
        r"expensive",
        r"financing",
        r"instal+ments?",
        r"down payment|monthly payment|\d+% down",
        r"trade.?in",
        r"\$\s?\d",
        r"save (anything|money)",
    ],
    "stock": [
        r"有货",
        r"有没有货",
        r"有活吗",
        r"现货",
        r"现车",
        r"到货",
        r"缺货",
        r"断货",
        r"补货",
        r"库存",
        r"售罄",
        r"没货",
        r"无货",
        r"木有货",
        r"抢不到",
        r"开售",
        r"开抢",
        r"上架",
        r"停产",
        r"样机",
        r"展车",
        r"还有[^,.!?。、]{0,8}(吗|没有|没)",
        r"的有吗",
        r"(能|还能)(买到|抢到)",
        r"(什么时候|几时|多久|几天)(能)?(到|有|发货|能买|交车|交付|提车|开售|到店)",
        r"(几月|多久)(交车|交付|提车)",
        r"(今天|明天)能(到店|发货)",
        r"in stock",
        r"out of stock",
        r"sold out",
        r"restock",
        r"back in stock",
        r"\bavailable\b",
        r"availability",
        r"any (stock|units|left)",
        r"(still|any) (available|left)",
        r"do you have (the|a|it|any)",
        r"(sizes|colou?rs|units) (do you have )?left",
        r"display car",
        r"pre-?orders? shipping",
        r"(wait|how long|how many days)[^.!?]{0,20}(deliver|ship)",
        r"when (does|will)[^.!?]{0,30}(launch|arrive|be available)",
    ],
    "complaint": [
        r"投诉",
        r"退货",
        r"退款",
        r"(能|不能)退",
        r"退差价",
        r"换货",
        r"坏了",
        r"质量(太)?差",
        r"质量问题",
        r"品控",
        r"做工",
        r"(太|好|真)慢",
        r"差评",
        r"死机",
        r"卡顿|更卡",
        r"异响",
        r"异味",
        r"噪音",
        r"发热|发烫",
        r"划痕|划花",
        r"破了|破的",
        r"鼓包",
        r"失灵",
        r"不亮",
        r"不准",
        r"黑屏",
        r"绿线",
        r"报错",
        r"连不上",
        r"充不进",
        r"打不通",
        r"不回(消息|复)?",
        r"没人理",
        r"爱答不理",
        r"态度(好)?(差|不好)|什么态度",
        r"不给(换|退)",
        r"发错",
        r"一直不发货",
        r"还没(到|收到|处理|寄回|到账)",
        r"等了[^,.!?。、]{0,4}(个月|周|星期)",
        r"坑人|坑爹",
        r"12315",
        r"给个(说法|准话)",
        r"返修",
        r"寄修",
        r"过敏",
        r"起雾",
        r"(用|打)不了|不能用",
        r"接触不良",
        r"翻新机",
        r"色差",
        r"又(缺货|坏|死机|卡|延期|没货)",
        r"(订单|单)[^,.!?。、]{0,4}取消",
        r"差太多|跟宣传|货不对板",
        r"没解决",
        r"(缺|少)了[^,.!?。、]{0,3}(个|件)",
        r"进灰",
        r"开错",
        r"complain",
        r"refund",
        r"return it",
        r"broken|\bbroke\b|bricked",
        r"cracked",
        r"faulty|defect",
        r"not working|stopped working|doesn'?t work",
        r"disconnect",
        r"drains",
        r"overheat",
        r"rattles",
        r"smells",
        r"streaks",
        r"wrong (colou?r|item|size|model)",
        r"never (got|received|arrived)",
        r"still waiting",
        r"no answer|nobody (replies|answers)",
        r"charged me twice",
        r"gone downhill",
        r"logs me out",
        r"weird noise",
        r"left the box",
        r"keeps? (falling|disconnecting|crashing|dropping|freezing)",
    ],
}

# Marks a message as asking for something; only counted when an intent is present, so
# "有人周末去看车展吗" is chat, not a question for staff.
_QUESTION_MARKERS = [
    r"\?",
    r"吗",
    r"呢",
    r"么$",
    r"吧\?",
    r"(没|不)(?=[,.!?;、]|$)",
    r"谁",
    r"(有没有|是不是|能不能|可不可以|可以|能否)",
    r"(怎么|咋|肿么|如何|多少|多钱|多久|几|哪|啥|什么|神马)",
    r"还是[^,.!?。、]{0,12}(好|呢|选)",
    r"(^|[,.!?;:] ?)(how|what|when|where|which|who|why|can|could|do|does|is|are|any|will|would|should)\b",
    r"\b(how much|how long|how many|how do|how can|what's|is there|are there|do you|can i|can you)\b",
]
_REQUEST_MARKERS = [
    r"求",
    r"(发|给|帮|告诉|@)我",
    r"麻烦",
    r"请",
    r"我(也)?要",
    r"想要",
    r"算我一个",
    r"私聊",
    r"咨询",
    r"\b(please|pls|plz)\b",
    r"\bdm me\b",
    r"i'?d like",
    r"i'?ll take",
    r"put me down",
    r"send me",
    r"\bhelp\b",
]


# Formulas that make up a whole message of small talk: greetings, thanks, acknowledgements,
# agreement and laughter, with whom they are addressed to. A message that is nothing but
# these (and punctuation, emoji and particles) is never an inquiry, whatever words the
# model has seen next to them ("谢谢店长！": 店长 mostly appears in buying questions).
_SMALL_TALK_WORDS = [
    r"(早上|中午|下午|晚上|大家|各位)?好",
    r"早安?|午安|晚安|安安|周末愉快|(新年|节日|中秋|元旦|周末|周一)快乐",
    r"哈喽|嗨|你好|您好|在吗|在不在|有人吗",
    r"(谢谢|感谢|多谢|谢啦|谢了|辛苦)(你|您|你们|大家|各位)?",
    r"收到|好的|好滴|好嘞|好哒|嗯+|哦+|噢+|喔+|ok+|okay|行|可以|没问题|了解|明白|知道|懂|对+|是的?|同意|同上|赞同楼上|附议",
    r"(哈|呵|嘿|嘻)+|h{3,}|6{3,}|\+1|1+|赞|厉害|牛|yyds|xswl|绝了|笑死(我了)?",
    r"good (morning|afternoon|evening|night)|(gm|gn|morning|evening|night|hi+|hello+|hey+|yo)\b",
    r"thanks?( you)?( so much| a lot| very much)?|thx|ty|cheers|appreciate it",
    r"got it|noted|sure|yep|yeah|yes|yup|agreed|same( here)?|will do|sounds good",
    r"(lol)+|lmao|(ha)+h?|nice|cool",
    r"店长|群主|老板|亲|姐妹|家人们|朋友们|大家|各位|all|everyone|guys|folks|mate|team",
    r"了|啦|呀|哈|啊|哦|呢|吧|滴|的|哒|嘛|~",
]
_SMALL_TALK_RE = re.compile("|".join(f"(?:{p})" for p in _SMALL_TALK_WORDS))
_LETTER = re.compile(r"[^\W\d_]")  # a letter or a CJK character, not a digit


def is_small_talk(text: str) -> bool:
    """No letters or characters at all (emoji, "+1", "111", a link, [图片]), or nothing but
    the greetings, thanks and acknowledgements above, on text already normalised."""
    return not _LETTER.search(_SMALL_TALK_RE.sub(" ", text))


# Phrases that mean the intent only when the message is about the store's business: on
# their own they are everyday words ("想要个长假", "帮我留个座", "堵车堵得离谱", "Traffic is
# terrible", "Put me down for the hike", "Can't wait for summer to come back"). A hit
# here counts only when a topic or product word (_TOPIC, _PRODUCT) is found elsewhere in
# the message.
_WEAK_LEXICONS = {
    "purchase_intent": [
        r"想要",
        r"(帮我|给我)留",
        r"算我一个",
        r"put me down",
        r"i'?ll take it",
        r"\breserve\b",
        r"interested in",
        r"\border (the|a)\b",
        r"(grab|getting) a\b",
    ],
    "price": [],
    "stock": [
        r"卖完",
        r"卖光",
        r"首发",
        r"come back",
    ],
    "complaint": [
        r"碎了",
        r"退了",
        r"离谱",
        r"无语",
        r"失望",
        r"骗人|骗子",
        r"智障",
        r"烦死",
        r"说好的",
        r"不一样",
        r"不行了",
        r"一点没",
        r"不对",
        r"迟到",
        r"terrible",
        r"worst",
        r"awful",
        r"useless",
        r"\bdelay",
        r"disappointed",
        r"not happy",
        r"\bfailed\b",
        r"crash",
        r"ridiculous",
        r"so loud",
        r"supposed to be",
        r"cancel+ed",
        r"\bnoise\b",
        r"\bstuck\b",
    ],
}

# A price or stock phrase counts without a question or request marker only in one of
# these: an objection or a wait ("太贵了", "坐等补货", "Way too expensive"), or a condition
# ("有现货的话我直接过来拿"). Otherwise a price or stock word in a statement is mostly a
# story ("我上周买的，价格还行", "快递到货了，开箱！", "Sold out in 5 minutes, crazy lol").
_STATEMENTS = {
    "price": [
        r"贵|买不起|肉疼|不值|(降|涨)价",
        r"expensive|pricey|overpriced|rip.?off|cheaper|(a bit|too) much|price drop",
    ],
    "stock": [r"缺货|断货|没货|无货|抢不到|补货|蹲|等货|out of stock|sold out|restock|back in stock"],
    "condition": [r"的话|要是|如果|\bif\b"],
}

# Words that put a message on the store's business: buying, price, stock, delivery,
# after-sales, the store, and quantities or specifications of a product. Product names
# alone are not enough for buying, price or stock: most questions about using a product
# ("手环怎么连接手机", "how do I connect the vacuum to wifi") are not inquiries.
_TOPIC = [
    r"买|购|订|下单|入手|拿下|付款|支付|付钱|定金|首付|尾款|链接|价|多少钱|优惠|折扣|(打|几|\d)折|券|便宜|贵|分期|免息",
    r"货|库存|售罄|卖|门店|店里|店长|官网|京东|天猫|淘宝|小程序|商城|发货|快递|物流|到店|提车|交车|交付",
    r"试驾|预约|型号|配置|内存|售后|客服|维修|返修|保修|退|换新|换货|质量|赠品|运费|包邮|补贴|团购|秒杀|积分|抵",
    r"上架|开售|现车|展车|样机|新款|老款|旧款|这款|那款|款式|颜色|[黑白蓝绿灰银粉橙紫金红]色|(一|两|二|三|几|\d)(台|辆|部)",
    r"花呗|信用卡|刷卡|微信支付|支付宝|发票|专票|推荐|送人|礼物|包装|宣传|实物|少点|让点|诚心要|砍价|讲价|上新",
    r"\d+ ?(g|gb|tb|mm)\b",
    r"\b(buy|bought|purchase|order|pre-?order|price|pricing|costs?|discount|deal|offer|coupon|promo|sale)",
    r"\b(cheap|expensive|pricey|pay|paying|payment|alipay|financ|instal|trade.?in|stock|available)",
    r"\b(availability|sold|restock|ship|deliver|pick ?up|store|shop|link|test drive|display (car|unit))",
    r"\b(warranty|refund|return|repair|replace|service|support|hotline|tracking|waitlist|batch|launch)",
    r"\b(model|colou?r|size|version|bundle|black|white|blue|green|grey|gray|silver|pink)\b",
    r"\b(one|two|a couple) (of them|in|for)\b|\b(get|buy|order|grab) (one|two)\b|set (me|you) back",
    r"\b(recommend|gift|wrap|advertised|out yet)",
]

# The products, their parts and the store's staff, and "you" as the store ("你们售后怎么
# 回事"). A phrase from _WEAK_LEXICONS, or a complaint the model alone saw, must come with
# one of these or a topic word. 车 in 堵车, 停车, 打车, 车友会, 车位 and 车费 is not the car.
_PRODUCT = [
    r"手机|15 ?pro|su7|(?<![堵停打])车(?![友位费场])|手环|band ?9|表带|表盘",
    r"扫地机|净化器|滤芯|滤网|充电|耳机",
    r"屏|膜|壳|电池|续航|app|系统|蓝牙|固件|更新|升级|订单|你们|店员|销售|回(个)?话|回复|回消息",
    r"\b(phone|car|band|strap|vacuum|purifier|filter|charger|cable|screen|display|battery|app|firmware|update)",
    r"\b(bluetooth|camera|speaker|touchscreen|paint|unit|device|you guys|staff|salesperson)\b",
]

# Words of trouble. A complaint that only the model saw must have one outside the
# complaint negations: the model alone reacts to talk about using the product, praise
# included ("扫地机太好用了，解放双手", "Best car I've ever driven").
_TROUBLE = [
    r"不|没|别|未|无法|差|慢|坏|烂|破|漏|裂|碎|断|掉|卡|烫|响|吵|脏|臭|异味|乱|错|假|歪|缩水|问题|毛病|故障",
    r"异常|报警|闪退|黑屏|失灵|垃圾|烦|气死|急|一直|老是|总是|怎么回事|咋回事|什么情况|咋办|怎么办|退|换货|换新|维修|返修",
    r"投诉|差评|等了|太久|拖|骗|坑|忽悠|离谱|无语|失望|崩|哭|蜗牛|占线|不理|麻烦|划痕|刮|凹|瑕疵|色差|掉漆|鼓包",
    r"\b(not|no|never|nothing|nobody|still|again|keeps?|kept|always|why|wrong|bad|poor|issue|problem)\b",
    r"n'?t\b|fault|defect|broke|crack|dead|stuck|slow|loud|noise|buzz|leak|smell|stain|scratch|dent|error|bug",
    r"crash|freez|froze|lag|drain|disconnect|fail|hold|waiting|delay|late|lost|missing|damage|soaked|gibberish",
    r"refund|return|replace|repair|complain|terrible|awful|worst|useless|disappoint|annoy|frustrat|ridiculous|scam|fake",
    r"正常吗|正常不|normal\?|offline",
    r"[😡😤😠🙄😭]",
]


def _compile(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_NEGATION_RE = {intent: _compile(patterns) for intent, patterns in _NEGATIONS.items()}
_LEXICON_RE = {intent: _compile(patterns) for intent, patterns in _LEXICONS.items()}
_WEAK_RE = {intent: _compile(patterns) for intent, patterns in _WEAK_LEXICONS.items() if patterns}
_STATEMENT_RE = {kind: _compile(patterns) for kind, patterns in _STATEMENTS.items()}
_TOPIC_RE = _compile(_TOPIC)
_PRODUCT_RE = _compile(_PRODUCT)
_TROUBLE_RE = _compile(_TROUBLE)
_QUESTION_RE = _compile(_QUESTION_MARKERS)
_REQUEST_RE = _compile(_REQUEST_MARKERS)


@dataclass(frozen=True)
class RuleResult:
    intents: frozenset[str]
    asks: bool
    matched: tuple[str, ...]
    # A topic word (_TOPIC) outside every negation, a product word (_PRODUCT), and a word
    # of trouble (_TROUBLE) outside the complaint negations: what an intent found by the
    # model alone must come with (_model_may_add).
    topic: bool = False
    product: bool = False
    trouble: bool = False


def _blank(match: re.Match) -> str:
    # Blank rather than delete, so words on either side do not join into a new match.
    return " " * len(match.group(0))


def _about_the_store(text: str) -> bool:
    return bool(_TOPIC_RE.search(text) or _PRODUCT_RE.search(text))


def apply_rules(text: str) -> RuleResult:
    """The rules alone, on text already normalised."""
    asks, ask_hit = False, None
    for kind, pattern in (("question", _QUESTION_RE), ("request", _REQUEST_RE)):
        hit = pattern.search(text)
        if hit:
            asks, ask_hit = True, f"{kind}:{hit.group(0)}"
            break
    intents, matched = set(), []
    for intent in INTENTS:
        unnegated = _NEGATION_RE[intent].sub(_blank, text)
        hit = _LEXICON_RE[intent].search(unnegated)
        if not hit and intent in _WEAK_RE:
            weak = _WEAK_RE[intent].search(unnegated)
            if weak and _about_the_store(unnegated[: weak.start()] + " " + unnegated[weak.end() :]):
                hit = weak
        if (
            hit
            and intent in ("price", "stock")
            and not asks
            and not _STATEMENT_RE[intent].search(unnegated)
            and not _STATEMENT_RE["condition"].search(text)
        ):
            hit = None
        if hit:
            intents.add(intent)
            matched.append(f"{intent}:{hit.group(0)}")
    # "我老公给我买的" and "价格还行" are no topic: every intent's negations are blanked first.
    none_negated = text
    for pattern in _NEGATION_RE.values():
        none_negated = pattern.sub(_blank, none_negated)
    topic = bool(_TOPIC_RE.search(none_negated))
    product = bool(_PRODUCT_RE.search(text))
    trouble = bool(_TROUBLE_RE.search(_NEGATION_RE["complaint"].sub(_blank, text)))
    if ask_hit:
        matched.append(ask_hit)
    return RuleResult(frozenset(intents), asks, tuple(matched), topic, product, trouble)


def _rule_question(rules: RuleResult, intents: frozenset[str]) -> bool:
    return bool(intents) and ("complaint" in intents or rules.asks)


# --- Features and the classifier ---------------------------------------------------------

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z][a-z']*")
_NUMBER = re.compile(r"\d+([.,]\d+)?[a-z]*")


def features(text: str) -> list[str]:
    """Tokens for the classifier: jieba words (numbers collapsed), Chinese character
    bigrams (robust to typos and words jieba cuts differently), English word bigrams and
    the question mark, each prefixed so the kinds cannot collide."""
    norm = normalise(text)
    tokens = []
    for word in jieba.lcut(norm):
        if _NUMBER.fullmatch(word):
            tokens.append("w:<num>")
        elif _CJK_RUN.search(word) or _LATIN_WORD.fullmatch(word):
            tokens.append(f"w:{word}")
    for run in _CJK_RUN.findall(norm):
        tokens.extend(f"c:{run[i : i + 2]}" for i in range(len(run) - 1))
    latin = _LATIN_WORD.findall(norm)
    tokens.extend(f"b:{first}_{second}" for first, second in zip(latin, latin[1:], strict=False))
    if "?" in norm:
        tokens.append(QUESTION_MARK)
    return tokens


def _tokens_as_given(tokens: list[str]) -> list[str]:
    return tokens


def _vectorizer(kind: str):
    # Naive Bayes wants counts; logistic regression does better on sublinear TF-IDF.
    if kind == "nb":
        return CountVectorizer(analyzer=_tokens_as_given)
    return TfidfVectorizer(analyzer=_tokens_as_given, sublinear_tf=True)


def _estimator(kind: str, multiclass: bool = False):
    if kind == "nb":
        # Lighter smoothing than add-one: most features are rare words and bigrams, and
        # adding one to each would drown what a handful of examples say.
        return MultinomialNB(alpha=0.3)
    # No class weighting: with balanced weights a message with no known words ("哈？")
    # sits near 0.5 and crosses the threshold; unweighted it sits at the label's base
    # rate. The minority labels are served by the threshold choice instead.
    # liblinear: on a few thousand sparse features it fits in about 2 ms where lbfgs takes
    # 50, which keeps the 31 fits of a training run well under a second. It is binary
    # only, hence one-vs-rest for sentiment; seeded, so training is reproducible.
    binary = LogisticRegression(C=8.0, solver="liblinear", random_state=0)
    return OneVsRestClassifier(binary) if multiclass else binary


def _for_label(matrix, vectorizer, label: str):
    """The features a label's model sees: the intent models do not get the question
    mark, which says that a message asks, not what about; with it, "哈？" looked like a
    price, stock and purchase question at once."""
    column = vectorizer.vocabulary_.get(QUESTION_MARK)
    if label == QUESTION or column is None:
        return matrix
    keep = np.ones(matrix.shape[1])
    keep[column] = 0.0
    return matrix @ diags(keep)


def _best_f1_threshold(target: np.ndarray, probabilities: np.ndarray) -> float:
    """The grid value with the best F1 for the model alone; ties go to the higher one,
    which flags fewer messages."""
    best, best_f1 = THRESHOLD_GRID[-1], -1.0
    for threshold in THRESHOLD_GRID:
        f1 = _scores(target, probabilities >= threshold)["f1"]
        if f1 >= best_f1:
            best, best_f1 = threshold, f1
    return best


def _out_of_fold(token_lists: list[list[str]], target: np.ndarray, kind: str, label: str) -> np.ndarray:
    """Each training row's probability from a model fitted without it. The vectoriser is
    fitted per fold too: a vocabulary that knows the held-out words biases naive Bayes
    towards the rarer class and leaks IDF into logistic regression."""
    probabilities = np.zeros(len(target))
    folds = StratifiedKFold(n_splits=CROSS_VALIDATION_FOLDS, shuffle=True, random_state=0)
    for fit_rows, held_rows in folds.split(np.zeros(len(target)), target):
        vectorizer = _vectorizer(kind)
        fit_matrix = _for_label(
            vectorizer.fit_transform([token_lists[row] for row in fit_rows]), vectorizer, label
        )
        model = _estimator(kind).fit(fit_matrix, target[fit_rows])
        held_matrix = _for_label(
            vectorizer.transform([token_lists[row] for row in held_rows]), vectorizer, label
        )
        probabilities[held_rows] = model.predict_proba(held_matrix)[:, 1]
    return probabilities


@dataclass(frozen=True)
class Model:
    kind: str
    vectorizer: object
    binary: dict  # intent or QUESTION -> fitted estimator
    sentiment: object
    # Per label: the probability from which the model says yes (best out-of-fold F1 on
    # the training rows), alone and when combined with the rules.
    thresholds: dict

    def probabilities(self, texts: list[str]) -> dict[str, np.ndarray]:
        matrix = self.vectorizer.transform([features(text) for text in texts])
        return {
            label: est.predict_proba(_for_label(matrix, self.vectorizer, label))[:, 1]
            for label, est in self.binary.items()
        }

    def sentiments(self, texts: list[str]) -> list[str]:
        matrix = self.vectorizer.transform([features(text) for text in texts])
        return [str(label) for label in self.sentiment.predict(matrix)]


def train(examples: list[Example], kind: str = "nb") -> Model:
    """Fit the per-label models and choose their thresholds, all on `examples`."""
    token_lists = [features(example.text) for example in examples]
    rules = [apply_rules(normalise(example.text)) for example in examples]
    vectorizer = _vectorizer(kind)
    matrix = vectorizer.fit_transform(token_lists)
    binary, thresholds = {}, {}
    for label in (*INTENTS, QUESTION):
        if label == QUESTION:
            target = np.array([example.is_question for example in examples])
            allowed = np.ones(len(examples))
        else:
            target = np.array([label in example.labels for example in examples])
            # The threshold is for the model as classify() uses it: on a row where
            # _model_may_add says no, the model cannot flag whatever its probability.
            allowed = np.array([_model_may_add(label, rule) for rule in rules], dtype=float)
        binary[label] = _estimator(kind).fit(_for_label(matrix, vectorizer, label), target)
        out_of_fold = _out_of_fold(token_lists, target, kind, label)
        thresholds[label] = _best_f1_threshold(target, out_of_fold * allowed)
    sentiment = _estimator(kind, multiclass=True).fit(matrix, [example.sentiment for example in examples])
    return Model(kind, vectorizer, binary, sentiment, thresholds)


def load_sample(path: Path = SAMPLE_PATH) -> list[Example]:
    with path.open(encoding="utf-8", newline="") as sample:
        return [
            Example(
                text=row["text"],
                lang=row["lang"],
                labels=frozenset(intent for intent in INTENTS if row[intent] == "1"),
                sentiment=row["sentiment"],
                is_question=row["is_question"] == "1",
                split=row["split"],
            )
            for row in csv.DictReader(sample)
        ]


@functools.cache
def default_model() -> Model:
    return train([example for example in load_sample() if example.split == "train"])


# --- Classification ----------------------------------------------------------------------


_ASKABLE = ("purchase_intent", "price", "stock")  # the intents that need a question to be one


def _model_may_add(intent: str, rules: RuleResult) -> bool:
    """Whether an intent the rules did not see may come from the model: a complaint must
    carry a word of trouble and be about the products or the store, buying, price and
    stock must carry a topic word and a question or request marker. Without these the
    model mostly reacts to chat that merely mentions the product ("My neighbour just
    bought one too", "手环怎么连接手机"), praises it, or grumbles about life."""
    if intent == "complaint":
        return rules.trouble and (rules.topic or rules.product)
    return rules.topic and rules.asks


def _combine(rules: RuleResult, probabilities: dict[str, float], sentiment: str, model: Model):
    intents = {
        intent
        for intent in INTENTS
        if intent in rules.intents
        or (probabilities[intent] >= model.thresholds[intent] and _model_may_add(intent, rules))
    }
    # A complaint is negative by definition; the complaint model alone also reacts to
    # talk about using the product, praise included, and the sentiment model vetoes some
    # of that (not all: "The camera on this phone is insane" still gets through).
    if "complaint" not in rules.intents and sentiment != "negative":
        intents.discard("complaint")
    # Only a message about an intent can want an answer (the label's definition). Letting
    # the question model flag on its own caught a few more, but also flagged two chat
    # lines in three ("嗯嗯", "Cool pic!"): most training messages are questions, so a
    # message with few known words starts near or above the threshold.
    asks = rules.asks or bool(probabilities[QUESTION] >= model.thresholds[QUESTION])
    # One exception: a message with a question or request marker and a topic word that the
    # question model also takes for a question is about buying, price or stock even when
    # no intent model reached its threshold; it gets the likeliest of the three, relative
    # to its threshold ("When's the next batch of purifiers due?"). Out of fold on the
    # training rows this found 1.4 points more questions for 0.5 points more chat flagged.
    if not intents and rules.asks and rules.topic and probabilities[QUESTION] >= model.thresholds[QUESTION]:
        intents.add(max(_ASKABLE, key=lambda intent: probabilities[intent] / model.thresholds[intent]))
    intents = frozenset(intents)
    is_question = bool(intents) and ("complaint" in intents or asks)
    if "complaint" in intents:
        sentiment = "negative"
    return intents, sentiment, is_question


def classify(text: str, model: Model | None = None) -> Classification:
    """Intents, sentiment and whether staff owe an answer, for one customer message.
    `model` defaults to the one trained on the sample's train rows."""
    norm = normalise(text)
    # Empty, emoji-only, link-only or sticker-only messages carry no words to classify;
    # skipping them also spares the first such message the cost of training.
    if not _LETTER.search(norm):
        return Classification(frozenset(), "neutral", False, ())
    model = model or default_model()
    # Pure small talk asks nothing, but its sentiment still counts ("谢谢店长！" praises).
    if is_small_talk(norm):
        return Classification(frozenset(), model.sentiments([norm])[0], False, ())
    rules = apply_rules(norm)
    probabilities = {label: values[0] for label, values in model.probabilities([norm]).items()}
    sentiment = model.sentiments([norm])[0]
    intents, sentiment, is_question = _combine(rules, probabilities, sentiment, model)
    return Classification(intents, sentiment, is_question, rules.matched)


# --- Evaluation --------------------------------------------------------------------------


def _scores(target, predicted) -> dict[str, float]:
    target, predicted = np.asarray(target, dtype=bool), np.asarray(predicted, dtype=bool)
    true_positive = int((target & predicted).sum())
    precision = true_positive / predicted.sum() if predicted.sum() else 0.0
    recall = true_positive / target.sum() if target.sum() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": int(target.sum())}


@dataclass(frozen=True)
class Prediction:
    example: Example
    intents: frozenset[str]
    is_question: bool
    sentiment: str


def predict(examples: list[Example], model: Model, method: str) -> list[Prediction]:
    """Predictions by "rules", "classifier" (model thresholds) or "combined" (classify())."""
    norms = [normalise(example.text) for example in examples]
    probabilities = model.probabilities(norms)
    sentiments = model.sentiments(norms)
    predictions = []
    for row, (example, norm) in enumerate(zip(examples, norms, strict=True)):
        rules = apply_rules(norm)
        row_probabilities = {label: values[row] for label, values in probabilities.items()}
        if method == "rules":
            intents = rules.intents
            is_question = _rule_question(rules, intents)
            sentiment = sentiments[row]  # the rules have no sentiment of their own
        elif method == "classifier":
            intents = frozenset(
                intent for intent in INTENTS if row_probabilities[intent] >= model.thresholds[intent]
            )
            is_question = bool(row_probabilities[QUESTION] >= model.thresholds[QUESTION])
            sentiment = sentiments[row]
        else:
            result = classify(example.text, model)
            intents, is_question, sentiment = result.intents, result.is_question, result.sentiment
        predictions.append(Prediction(example, intents, is_question, sentiment))
    return predictions


def score(predictions: list[Prediction]) -> dict[str, dict[str, float]]:
    table = {}
    for label in (*INTENTS, QUESTION):
        if label == QUESTION:
            target = [p.example.is_question for p in predictions]
            predicted = [p.is_question for p in predictions]
        else:
            target = [label in p.example.labels for p in predictions]
            predicted = [label in p.intents for p in predictions]
        table[label] = _scores(target, predicted)
    correct = sum(p.sentiment == p.example.sentiment for p in predictions)
    table["sentiment_accuracy"] = correct / len(predictions) if predictions else 0.0
    # Chit-chat: rows labelled with no intent. Any intent (or "wants an answer") on one is
    # a false positive that the trust rules would count as asking or complaining.
    chat = [p for p in predictions if not p.example.labels]
    flagged = sum(bool(p.intents) or p.is_question for p in chat)
    table["chit_chat"] = {
        "rows": len(chat),
        "flagged": flagged,
        "false_positive_rate": flagged / len(chat) if chat else 0.0,
    }
    return table


def evaluate(kind: str = "nb", examples: list[Example] | None = None, from_row: int = 1) -> dict:
    """Train on the "train" rows, score the "test" rows: {method: {"all" or language: table}}.

    `from_row` (1-based, header not counted) scores only test rows from there on: rows
    added to the sample after the lexicons were last changed show how the rules do on
    phrasings they were not written for."""
    examples = examples if examples is not None else load_sample()
    model = train([e for e in examples if e.split == "train"], kind=kind)
    test = [e for row, e in enumerate(examples, start=1) if e.split == "test" and row >= from_row]
    report = {"model": model, "test_rows": len(test)}
    for method in ("rules", "classifier", "combined"):
        predictions = predict(test, model, method)
        report[method] = {"all": score(predictions)}
        for lang in LANGUAGES:
            report[method][lang] = score([p for p in predictions if p.example.lang == lang])
        if method == "combined":
            report["errors"] = [
                p
                for p in predictions
                if p.intents != p.example.labels or p.is_question != p.example.is_question
            ]
    return report


def format_report(report: dict) -> str:
    model = report["model"]
    lines = [f"{report['test_rows']} test rows; model {model.kind}"]
    for method in ("rules", "classifier", "combined"):
        for scope in ("all", *LANGUAGES):
            table = report[method][scope]
            lines.append(f"\n{method} ({scope}); sentiment accuracy {table['sentiment_accuracy']:.2f}")
            lines.append(f"  {'label':<16} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
            for label in (*INTENTS, QUESTION):
                row = table[label]
                lines.append(
                    f"  {label:<16} {row['precision']:>9.2f} {row['recall']:>7.2f} "
                    f"{row['f1']:>6.2f} {row['support']:>8}"
                )
            chat = table["chit_chat"]
            lines.append(
                f"  chit-chat false positives {chat['flagged']}/{chat['rows']} "
                f"({chat['false_positive_rate']:.1%})"
            )
    thresholds = ", ".join(f"{label} {model.thresholds[label]:.2f}" for label in (*INTENTS, QUESTION))
    lines.append(f"\nthresholds ({model.kind}): {thresholds}")
    return "\n".join(lines)
