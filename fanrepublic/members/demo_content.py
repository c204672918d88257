"""The people of the demo community: staff, the demo member, and what fans are called.
Only data lives here; fanrepublic/members/demo.py creates the accounts."""

PASSWORD = "demo-pass-2026"
EMAIL_DOMAIN = "demo.fanrepublic.local"
# Demo staff sign in with a second factor: an authenticator app with this published secret
# (base32 of "fanrepublic-demo-2fa"); `manage.py demo_totp <login>` prints the current code.
DEMO_TOTP_SECRET = "MZQW44TFOB2WE3DJMMWWIZLNN4WTEZTB"


def words(text: str) -> list[str]:
    """Space-separated names, kept compact on the page."""
    return text.split()


# username, display name, role, language, daily reply target, families answered, bio
STAFF = [
    {
        "username": "eng_lin",
        "display_name": "林工",
        "role": "engineer",
        "language": "zh-hans",
        "target": 100,
        "families": ["phone", "wearable"],
        "bio": "OrangeOS 系统工程师，负责相机与续航相关问题。",
    },
    {
        "username": "eng_wang",
        "display_name": "王工",
        "role": "engineer",
        "language": "zh-hans",
        "target": 100,
        "families": ["car"],
        "bio": "SU7 整车软件工程师，负责车机与 OTA。",
    },
    {
        "username": "eng_chen",
        "display_name": "陈工",
        "role": "engineer",
        "language": "zh-hans",
        "target": 100,
        "families": ["home", "lounge"],
        "bio": "智能家居固件工程师，扫地机和净化器都归我管。",
    },
    {
        "username": "eng_sato",
        "display_name": "Sato Ken",
        "role": "engineer",
        "language": "en",
        "target": 100,
        "families": ["wearable", "phone"],
        "bio": "Firmware engineer for the Band 9 (sensors and battery). Tokyo office.",
    },
    {
        "username": "eng_maria",
        "display_name": "Maria Santos",
        "role": "engineer",
        "language": "en",
        "target": 60,
        "families": ["car", "home"],
        "bio": "Support engineer for international owners, part time on the forum.",
    },
    {
        "username": "op_zhou",
        "display_name": "周周（社区运营）",
        "role": "operator",
        "language": "zh-hans",
        "target": 100,
        "families": ["lounge"],
        "bio": "社区运营，有问题随时找我。",
    },
    {
        "username": "op_anna",
        "display_name": "Anna Kowalski",
        "role": "operator",
        "language": "en",
        "target": 100,
        "families": ["lounge"],
        "bio": "Community operator for our international fans.",
    },
    {
        "username": "sm_liu",
        "display_name": "刘店长",
        "role": "store_manager",
        "language": "zh-hans",
        "target": 100,
        "families": [],
        "bio": "深圳万象天地橙子之家店长，欢迎来店里体验。",
    },
    {
        "username": "legal_he",
        "display_name": "何律师",
        "role": "legal",
        "language": "zh-hans",
        "target": 100,
        "families": [],
        "bio": "法务与隐私合规。",
    },
    {
        "username": "legal_zhao",
        "display_name": "赵律师",
        "role": "legal",
        "language": "zh-hans",
        "target": 100,
        "families": [],
        "bio": "消费者权益与售后纠纷。",
    },
    {
        "username": "legal_sun",
        "display_name": "Sun (Legal)",
        "role": "legal",
        "language": "en",
        "target": 100,
        "families": [],
        "bio": "Product liability and warranty law.",
    },
    {
        "username": "legal_qian",
        "display_name": "钱律师",
        "role": "legal",
        "language": "zh-hans",
        "target": 100,
        "families": [],
        "bio": "合同与电商平台规则。",
    },
    {
        "username": "legal_zhou",
        "display_name": "周律师",
        "role": "legal",
        "language": "zh-hans",
        "target": 100,
        "families": [],
        "bio": "用户法庭书记员，程序与期限。",
    },
    {
        "username": "founder_lei",
        "display_name": "雷总",
        "role": "founder",
        "language": "zh-hans",
        "target": 100,
        "families": [],
        "bio": "橙子科技创始人。和米粉做朋友。",
    },
    {
        "username": "sec_gao",
        "display_name": "高安全",
        "role": "security",
        "language": "zh-hans",
        "target": 100,
        "families": [],
        "bio": "安全应急响应：漏洞悬赏中的安全报告由我们处理。",
    },
    # Managers of the other stores (the stores demo): each sees only their own customers.
    {
        "username": "sm_zhao",
        "display_name": "赵店长",
        "role": "store_manager",
        "language": "zh-hans",
        "target": 100,
        "families": [],
        "bio": "北京三里屯与成都太古里两家橙子之家的店长。",
    },
    {
        "username": "sm_wu",
        "display_name": "Wu Min",
        "role": "store_manager",
        "language": "en",
        "target": 100,
        "families": [],
        "bio": "Store manager in Shanghai and Hangzhou. Come and try the SU7.",
    },
]

DEMO_MEMBER = {
    "username": "mifan",
    "display_name": "米粉小明",
    "language": "zh-hans",
    "bio": "橙子 15 Pro + 手环 9 用户，喜欢拍照和夜跑。",
    "products": ["orange-15-pro", "orange-band-9"],
}

SURNAMES = words(
    "张 王 李 赵 刘 陈 杨 黄 周 吴 徐 孙 马 朱 胡 郭 何 林 罗 高 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 "
    "彭 曾 萧 田 董 潘 袁 蔡 蒋 余 于 杜 叶 程 魏 苏 吕 丁 沈 任 姚 卢 钟 姜 崔 谭 陆 范 金 石"
)
GIVEN_NAMES = words(
    "伟 娜 芳 敏 静 磊 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平 刚 桂英 浩然 子涵 欣怡 梓轩 雨桐 宇航 "
    "思远 一鸣 佳怡 晨曦 若曦 俊杰 嘉怡 子墨 梓萱 诗涵 博文 天宇 雅琪 昊天 婉清 皓轩 书瑶 子豪 "
    "晓东 海洋 春燕 建华 国强 志强 文静 丽娟 晓燕 鹏飞 雪梅 凯 琳 倩 斌 帆 悦 晨 阳 宁 璐"
)
NICKNAME_PREFIXES = [
    "深圳",
    "北京",
    "杭州",
    "成都",
    "武汉",
    "爱拍照的",
    "夜跑的",
    "不吃香菜的",
    "SU7车主",
    "猫奴",
    "数码控",
    "橙粉",
]
NICKNAME_STEMS = ["小", "老", "阿"]
NICKNAMES = [
    "橙子控",
    "数码狂人",
    "今天也要早睡",
    "一只柠檬精",
    "风里的猫",
    "快充爱好者",
    "夜景党",
    "奶茶三分糖",
    "电车小白",
    "周末去露营",
    "路过的程序员",
    "晨跑打卡",
]

EN_FIRST_NAMES = words(
    "Alex Ben Chloe Daniel Emma Felix Grace Hannah Ivan James Julia Kevin Laura Lucas Maya Noah "
    "Olivia Priya Rahul Sofia Tom Victor Yusuf Zoe Marco Elena Jonas Aisha Diego Lena Oscar Nina"
)
EN_LAST_NAMES = words(
    "Smith Müller Rossi García Nowak Kim Tan Lee Silva Novak Schmidt Dubois Johansson Kowalski "
    "Patel Wong Nguyen Ivanova Fischer Costa Hughes Berg Moreau Jensen"
)

BIOS_ZH = [
    "15 Pro 拍照党，周末扫街。",
    "SU7 车主，通勤 40 公里，冬天关注续航。",
    "家里两只猫，扫地机是刚需。",
    "夜跑五年，手环不离手。",
    "数码爱好者，什么都想试试。",
    "程序员，喜欢折腾系统设置。",
    "宝妈一枚，电饭煲和净化器重度用户。",
    "从橙子 1 代用到现在的老米粉。",
    "喜欢露营和自驾。",
    "大学生，攒钱买 SU7 中。",
    "摄影爱好者，主要拍风光。",
    "在深圳做硬件测试。",
    "喜欢研究快充和电池。",
    "北方车主，冬天的续航问题专家。",
    "健身三年，关注心率和睡眠数据。",
    "没事就逛社区，看看大家的建议。",
]
BIOS_EN = [
    "Phone photographer, mostly street and night shots.",
    "SU7 owner commuting 40 km a day.",
    "Two cats, one robot vacuum, endless fur.",
    "Marathon runner, wearing the Band 9 every day.",
    "Tech enthusiast and tinkerer.",
    "Software developer who reads changelogs for fun.",
    "Long-time Orange fan since the first phone.",
    "Cyclist and weekend hiker.",
    "Living in Berlin, imported my 15 Pro.",
    "Allergy sufferer, the purifier runs 24/7.",
    "I test every beta I can get.",
    "Here to report bugs and learn tricks.",
]
