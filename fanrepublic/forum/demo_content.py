"""Texts of the demo forum: boards, topic and reply templates.

Only data lives here; fanrepublic/forum/demo.py decides who writes what and when.
Templates use `{placeholders}` filled from the VARIABLES of their family ("phone",
"car", "home", "wearable", "lounge"), so the same template reads differently each time
it is used. Bodies are Markdown.
"""

SUGGESTION, BUG, FEEDBACK, DISCUSSION = "suggestion", "bug", "feedback", "discussion"

# family -> board; "weight" is the share of product topics on the board.
BOARDS = [
    {
        "slug": "orange-15-pro",
        "product": "orange-15-pro",
        "family": "phone",
        "weight": 35,
        "name": "Orange 15 Pro",
        "name_zh": "橙子 15 Pro",
        "description": "Camera, battery, OrangeOS updates: everything about the 15 Pro.",
        "description_zh": "拍照、续航、系统更新：关于 15 Pro 的一切。",
    },
    {
        "slug": "orange-su7",
        "product": "orange-su7",
        "family": "car",
        "weight": 25,
        "name": "Orange SU7 owners",
        "name_zh": "橙子 SU7 车主之家",
        "description": "Range, charging, assisted driving and OTA updates of the SU7.",
        "description_zh": "续航、充电、智能驾驶与 OTA 升级，车主交流。",
    },
    {
        "slug": "orange-home",
        "product": "orange-home",
        "family": "home",
        "weight": 22,
        "name": "Orange Home",
        "name_zh": "橙子智能家居",
        "description": "Air purifiers, rice cookers, robot vacuums and the home app.",
        "description_zh": "空气净化器、电饭煲、扫地机器人与智能家居 App。",
    },
    {
        "slug": "orange-band-9",
        "product": "orange-band-9",
        "family": "wearable",
        "weight": 18,
        "name": "Orange Band 9",
        "name_zh": "橙子手环 9",
        "description": "Workouts, sleep, notifications and watch faces.",
        "description_zh": "运动、睡眠、消息通知与表盘。",
    },
    {
        "slug": "lounge",
        "product": None,
        "family": "lounge",
        "weight": 0,
        "name": "Community lounge",
        "name_zh": "社区茶馆",
        "description": "Say hello, share photos, meet other fans, talk about the community.",
        "description_zh": "新人报到、晒图、线下活动，聊聊社区本身。",
    },
]

# People ------------------------------------------------------------------------------------

# Placeholder values per family and language -----------------------------------------------

VARIABLES = {
    "phone": {
        "zh": {
            "ver": ["OrangeOS 2.0.3", "OrangeOS 2.0.5", "OrangeOS 2.1.0", "OrangeOS 2.1.2 Beta"],
            "next_ver": ["OrangeOS 2.1.4", "OrangeOS 2.2.0"],
            "game": ["王者荣耀", "原神", "和平精英", "崩坏：星穹铁道"],
            "app": ["微信", "支付宝", "抖音", "小红书", "高德地图"],
            "place": ["地铁上", "高铁上", "地下车库", "电梯里"],
            "city": ["深圳", "上海", "重庆", "西安", "厦门"],
            "earbuds": ["橙子耳机 5 Pro", "AirPods Pro", "索尼 WF-1000XM5"],
        },
        "en": {
            "ver": ["OrangeOS 2.0.3", "OrangeOS 2.0.5", "OrangeOS 2.1.0", "OrangeOS 2.1.2 Beta"],
            "next_ver": ["OrangeOS 2.1.4", "OrangeOS 2.2.0"],
            "game": ["Genshin Impact", "PUBG Mobile", "Honkai: Star Rail", "Call of Duty Mobile"],
            "app": ["WhatsApp", "Spotify", "Google Maps", "Instagram", "Telegram"],
            "place": ["on the subway", "on a train", "in an underground car park", "in a lift"],
            "city": ["London", "Madrid", "Singapore", "Berlin"],
            "earbuds": ["Orange Buds 5 Pro", "AirPods Pro", "Sony WF-1000XM5"],
        },
    },
    "car": {
        "zh": {
            "ver": ["1.4.2", "1.5.0", "1.5.3", "1.6.0 Beta"],
            "next_ver": ["1.6.2", "1.7.0"],
            "temp": ["-8℃", "-15℃", "-22℃", "-5℃"],
            "city": ["哈尔滨", "长春", "沈阳", "呼和浩特", "乌鲁木齐", "北京"],
            "km": ["3200", "8600", "12000", "21500"],
        },
        "en": {
            "ver": ["1.4.2", "1.5.0", "1.5.3", "1.6.0 Beta"],
            "next_ver": ["1.6.2", "1.7.0"],
            "temp": ["-8 °C", "-15 °C", "-20 °C", "-5 °C"],
            "city": ["Oslo", "Helsinki", "Munich", "Calgary"],
            "km": ["3,200", "8,600", "12,000", "21,500"],
        },
    },
    "home": {
        "zh": {
            "vacuum": ["扫地机器人 X20", "扫拖机器人 X20+"],
            "purifier": ["空气净化器 4 Pro", "空气净化器 4 Lite"],
            "cooker": ["IH 电饭煲 2", "电饭煲 Mini"],
            "fw": ["1.3.8", "1.4.0", "1.4.2"],
            "ver": ["固件 1.3.8", "固件 1.4.0", "固件 1.4.2"],
            "next_ver": ["固件 1.4.6", "固件 1.5.0"],
            "pet": ["两只猫", "一只金毛", "一猫一狗", "三只布偶猫"],
            "room": ["卧室", "客厅", "儿童房"],
        },
        "en": {
            "vacuum": ["Robot Vacuum X20", "Robot Vacuum X20+"],
            "purifier": ["Air Purifier 4 Pro", "Air Purifier 4 Lite"],
            "cooker": ["IH Rice Cooker 2", "Rice Cooker Mini"],
            "fw": ["1.3.8", "1.4.0", "1.4.2"],
            "ver": ["firmware 1.3.8", "firmware 1.4.0", "firmware 1.4.2"],
            "next_ver": ["firmware 1.4.6", "firmware 1.5.0"],
            "pet": ["two cats", "a golden retriever", "a cat and a dog", "a husky"],
            "room": ["bedroom", "living room", "nursery"],
        },
    },
    "wearable": {
        "zh": {
            "fw": ["1.2.6", "1.3.0", "1.3.2"],
            "ver": ["固件 1.2.6", "固件 1.3.0", "固件 1.3.2"],
            "next_ver": ["固件 1.3.6", "固件 1.4.0"],
            "sport": ["跑步", "游泳", "骑行", "跳绳", "羽毛球", "登山"],
            "phone": ["iPhone 15", "橙子 15 Pro", "华为 Mate 60", "OPPO Find X7"],
        },
        "en": {
            "fw": ["1.2.6", "1.3.0", "1.3.2"],
            "ver": ["firmware 1.2.6", "firmware 1.3.0", "firmware 1.3.2"],
            "next_ver": ["firmware 1.3.6", "firmware 1.4.0"],
            "sport": ["running", "swimming", "cycling", "rowing", "hiking"],
            "phone": ["iPhone 15", "Pixel 8", "Galaxy S24", "Orange 15 Pro"],
        },
    },
    "lounge": {
        "zh": {
            "city": ["深圳", "北京", "上海", "成都", "武汉", "杭州", "西安"],
            "theme": ["城市夜景", "秋天", "我的宠物", "早餐", "雨天"],
            "ver": ["最新版"],
            "next_ver": ["下个版本"],
        },
        "en": {
            "city": ["London", "Berlin", "Singapore", "Kuala Lumpur", "Madrid", "Warsaw"],
            "theme": ["city at night", "autumn", "pets", "street food", "rainy days"],
            "ver": ["the latest version"],
            "next_ver": ["the next release"],
        },
    },
}

# Title prefixes that vary otherwise identical titles, per language and kind.
TITLE_PREFIXES = {
    "zh": {
        SUGGESTION: ["", "", "", "【建议】", "小建议："],
        BUG: ["", "", "", "【Bug】", "求助："],
        FEEDBACK: ["", "", "【反馈】"],
        DISCUSSION: ["", "", "【讨论】"],
    },
    "en": {
        SUGGESTION: ["", "", "", "Idea: "],
        BUG: ["", "", "", "[Bug] "],
        FEEDBACK: ["", "", "Feedback: "],
        DISCUSSION: ["", ""],
    },
}

# Closing lines some authors add.
SIGN_OFFS = {
    "zh": ["", "", "", "\n\n先谢谢工程师了！", "\n\n有同样情况的朋友也来说说。", "\n\n—— 来自橙子社区 App"],
    "en": [
        "",
        "",
        "",
        "\n\nThanks in advance!",
        "\n\nAnyone else seeing this?",
        "\n\nSent from the Orange app",
    ],
}

# Topic templates: (kind, title, body) ------------------------------------------------------

TOPICS = {
    "phone": {
        "zh": [
            (
                SUGGESTION,
                "游戏免打扰模式希望支持来电白名单",
                "现在开启**游戏免打扰**后，所有来电都只显示悬浮通知，家里人的电话也被挡住了。\n\n"
                "希望可以：\n- 设置来电白名单（家人、置顶联系人）\n- 白名单来电仍然全屏显示\n\n"
                "玩{game}团战的时候真的不想被推销电话打断，但漏接家里电话也不行。",
            ),
            (
                SUGGESTION,
                "游戏模式希望能锁定 120Hz 刷新率（{game}）",
                "玩{game}的时候刷新率会在 60/90/120Hz 之间跳，体感不够跟手。"
                "建议在游戏助手里加一个**锁定高刷**开关，哪怕多耗一点电也能接受。",
            ),
            (
                SUGGESTION,
                "希望增加充电上限 80% 的选项",
                "晚上一充就是一整夜，**{ver}** 里的智能充电保护只在夜间生效，时间还经常不准。建议：\n"
                "1. 可以手动设置充电上限（80% / 85% / 90%）\n2. 状态栏显示当前是否处于保护中\n\n"
                "手机打算用三年以上，电池健康很重要。",
            ),
            (
                SUGGESTION,
                "相册希望支持「人物 + 地点」组合搜索",
                "相册里有两万多张照片，想找去年在{city}和家人拍的合照，只能按地点或者按人物单独筛。"
                "希望搜索框能**组合条件**，比如「妈妈 {city}」。",
            ),
            (
                SUGGESTION,
                "建议锁屏增加乘车码快捷入口",
                "每天早上{place}进站都要解锁、打开{app}、找乘车码，挤的时候很狼狈。"
                "希望锁屏左下角可以自定义成**乘车码**，双击直达。",
            ),
            (
                SUGGESTION,
                "专业模式希望支持 RAW 直出和自定义水印",
                "15 Pro 的一英寸主摄素质很好，但专业模式只能存 JPG。希望：\n"
                "- 增加 **RAW（DNG）** 格式开关\n- 水印可以自定义文字和位置\n\n后期党会非常感谢。",
            ),
            (
                SUGGESTION,
                "通知栏希望能按应用分组折叠",
                "群消息一多，通知栏就被{app}刷屏，重要的验证码和日程提醒被挤到下面。"
                "建议同一个应用的通知**自动折叠成一组**，点开再展开。",
            ),
            (
                SUGGESTION,
                "双卡希望可以按应用指定上网卡",
                "副卡流量便宜，主卡信号好。希望能设置：视频类应用走副卡，{app}和导航走主卡。"
                "现在只能全局切换，很麻烦。",
            ),
            (
                SUGGESTION,
                "息屏显示希望支持自定义照片和日程",
                "现在的息屏样式偏少。希望能放一张**自己的照片**（比如家里的猫），"
                "并在下方显示下一个日程。耗电可以接受，设置里给个提示就行。",
            ),
            (
                SUGGESTION,
                "录屏希望能同时录制系统声音和麦克风",
                "给爸妈录教程或者录{game}精彩瞬间的时候，只能二选一。"
                "建议录屏设置增加**系统声音 + 麦克风**混录选项。",
            ),
            (
                SUGGESTION,
                "小窗模式希望支持同时开两个小窗",
                "一边看视频一边回{app}消息的时候，经常需要第二个小窗。"
                "平板上已经支持了，希望 15 Pro 也能放开，**哪怕只在横屏时**也行。",
            ),
            (
                BUG,
                "{ver} 更新后夜景模式拍照发糊",
                "升级到 **{ver}** 之后，夜景模式拍完处理出来的照片明显发糊，路灯和招牌周围有光晕。\n\n"
                "**复现步骤：**\n1. 打开相机 → 夜景模式\n2. 手持拍摄街景，等待 3 秒处理\n"
                "3. 打开相册查看原图\n\n"
                "更新前同样的场景是清晰的，怀疑是新的降噪算法的问题。",
            ),
            (
                BUG,
                "{ver}：锁屏后{app}消息延迟十几分钟",
                "锁屏半小时以上，{app}的消息要等十几分钟才推送，解锁后一下子全出来。"
                "已经把{app}设置为**允许后台运行**和**自启动**，电池优化也关了，还是一样。版本 {ver}。",
            ),
            (
                BUG,
                "{place}切换基站后 5G 图标消失，只能开关飞行模式",
                "每天{place}都会遇到：信号从 5G 掉到无服务，出来以后一直显示 4G 甚至无信号，"
                "必须**开关一次飞行模式**才恢复。\n\n"
                "- 机型：橙子 15 Pro 16+512G\n- 系统：{ver}\n- 运营商：移动",
            ),
            (
                BUG,
                "OTA 升级 {ver} 卡在 99% 然后重启循环",
                "昨晚推送了 **{ver}**，下载完安装到 99% 就自动重启，又回到安装界面，循环了三次。"
                "最后进 Recovery 才进系统，数据还在。\n\n- 剩余存储约 40G\n- 电量 80% 以上\n\n"
                "想问下是需要重新推送，还是已知问题？",
            ),
            (
                BUG,
                "无线充电时发烫并且频繁断充",
                "用官方 50W 无线充，充到 60% 左右手机就很烫，然后**断开又重连**，一晚上反复几十次。"
                "有线充电正常。系统 {ver}，没有戴手机壳。",
            ),
            (
                BUG,
                "{ver} 后连接{earbuds}断断续续",
                "更新 {ver} 后，{earbuds}听歌每隔几分钟卡顿一下，打电话对方说声音断断续续。"
                "换了别的手机连同一副耳机完全正常，应该是系统的问题。",
            ),
            (
                BUG,
                "在{app}里调用相机直接闪退",
                "在{app}里点「拍摄」或者扫码，相机界面一闪就退回桌面。系统相机正常，"
                "重装{app}、清除缓存都试过了。系统版本 **{ver}**。",
            ),
            (
                BUG,
                "自动亮度在室内忽明忽暗",
                "晚上在室内，灯光没变化，屏幕亮度却每隔几秒就变一次，看视频很难受。"
                "关掉自动亮度就正常。**{ver}** 之前没有这个问题。",
            ),
            (
                FEEDBACK,
                "15 Pro 用了一个月的真实续航反馈",
                "重度用户，每天亮屏 7 小时左右：\n- 早上 8 点出门 100%，晚上 11 点剩 **18%**\n"
                "- 刷视频加{game}一小时，掉电约 14%\n- 待机一晚掉 3%\n\n"
                "整体比上一代好很多，就是 5G 待机稍微偏高，希望后续版本继续优化。",
            ),
            (
                FEEDBACK,
                "{ver} 体验：动画更流畅了，但发热略有增加",
                "升级 {ver} 一周了，说说感受：\n- 动画和多任务切换**明显更流畅**\n"
                "- 相机启动快了\n- 但是充电和玩{game}时背部发热比之前高一点\n\n整体还是值得升级的。",
            ),
            (
                FEEDBACK,
                "长焦微距真的好用，附几点小意见",
                "上周拍花和小物件，长焦微距效果非常惊艳。两点小意见：对焦偶尔来回拉，"
                "以及**微距模式的入口太深**，希望能放到相机首页。",
            ),
            (
                FEEDBACK,
                "{city}门店换屏体验很好，点个赞",
                "屏幕摔碎去了{city}的线下门店，**一个小时**就换好了，价格透明，店员还帮忙贴了膜。"
                "这种服务体验值得表扬。",
            ),
            (
                FEEDBACK,
                "希望系统自带推荐内容再少一点",
                "负一屏和应用商店的推荐有点多，而且关闭入口藏得很深。"
                "作为老用户希望**默认少推一些**，或者首次开机时统一给一个关闭选项。",
            ),
            (
                FEEDBACK,
                "120W 快充实测：20 分钟从 5% 到 90%",
                "用原装充电器实测：\n- 5 分钟到 **32%**\n- 10 分钟到 58%\n- 20 分钟到 **90%**\n\n"
                "充电时温度最高 41℃，可以接受。早上起床再充完全来得及。",
            ),
            (
                DISCUSSION,
                "大家的 15 Pro 都贴了什么膜？",
                "曲面屏贴膜好纠结：水凝膜手感一般，钢化膜容易翘边。大家用的哪种？"
                "有没有**不影响指纹解锁**的推荐？",
            ),
            (
                DISCUSSION,
                "{game}玩家来交流一下最佳画质设置",
                "15 Pro 玩{game}，大家都开的什么画质和帧率？我目前是**高画质 + 90 帧**，"
                "一小时温度 42℃ 左右。想听听大家的搭配。",
            ),
            (
                DISCUSSION,
                "分享几张 15 Pro 拍的{city}夜景",
                "周末在{city}扫街，全程手持夜景模式，没有后期。"
                "大家觉得**主摄和长焦**哪个夜景更好？欢迎一起晒图。",
            ),
            (
                DISCUSSION,
                "你们升级 {ver} 了吗？体验如何",
                "看到 {ver} 推送了，有点犹豫要不要升级。已经升级的朋友说说续航、发热和 bug 情况吧，"
                "**特别是游戏和拍照**。",
            ),
        ],
        "en": [
            (
                SUGGESTION,
                "Game do-not-disturb mode should let starred contacts through",
                "With **game do-not-disturb** on, every call becomes a tiny banner, including calls "
                "from family.\n\nPlease add:\n- an allow-list (starred contacts)\n"
                "- full-screen calls for people on that list\n\nI don't want spam calls during a "
                "{game} match, but I can't miss my kids' school either.",
            ),
            (
                SUGGESTION,
                "Please add an 80% charge limit",
                "The adaptive charging in **{ver}** only kicks in overnight and often guesses wrong. "
                "A simple **80% / 85% / 90%** limit in battery settings would keep the battery healthy "
                "for years.",
            ),
            (
                SUGGESTION,
                "Let us lock the refresh rate at 120 Hz in game mode",
                "In {game} the display jumps between 60, 90 and 120 Hz and it feels less responsive. "
                "A **lock 120 Hz** toggle in the game toolbox would be great, battery cost accepted.",
            ),
            (
                SUGGESTION,
                "Per-app SIM selection for mobile data",
                "My second SIM has cheap data, my first has better coverage. I'd like video apps on "
                "SIM 2 and {app} plus navigation on SIM 1. Right now it's one global switch.",
            ),
            (
                SUGGESTION,
                "Always-on display: allow custom photos and the next calendar event",
                "The AOD styles are limited. Please allow **a personal photo** and show the next "
                "calendar entry below the clock. A battery warning in settings would be enough.",
            ),
            (
                SUGGESTION,
                "Add a RAW option to the Pro camera mode",
                "The 1-inch sensor deserves RAW. Please add:\n- a **DNG** toggle in Pro mode\n"
                "- a custom watermark text\n\nPhotographers who edit in Lightroom would love it.",
            ),
            (
                BUG,
                "Night mode photos are blurry after {ver}",
                "Since **{ver}**, night mode shots come out soft with halos around street lights.\n\n"
                "**Steps:**\n1. Camera → Night\n2. Hand-held street scene, wait for processing\n"
                "3. Open the photo in the gallery\n\nSame scene was sharp before the update.",
            ),
            (
                BUG,
                "{app} notifications arrive 10+ minutes late with the screen off ({ver})",
                "After the screen has been off for a while, {app} messages arrive in a burst when I "
                "unlock. Background activity is allowed and battery optimisation is **off** for the app.",
            ),
            (
                BUG,
                "OTA to {ver} stuck at 99%, then boot loop",
                "The **{ver}** update installed to 99%, rebooted, and started the installer again, "
                "three times. I got in via recovery and my data is fine, but should I retry the update?",
            ),
            (
                BUG,
                "Bluetooth audio stutters with {earbuds} after the update",
                "Since {ver}, music on my {earbuds} drops out every few minutes and callers say I "
                "break up. The same earbuds are fine with another phone.",
            ),
            (
                BUG,
                "Camera crashes when opened from {app}",
                "Tapping the camera button inside {app} closes the app immediately. The system camera "
                "works. Reinstalling and clearing the cache didn't help (**{ver}**).",
            ),
            (
                FEEDBACK,
                "One month with the 15 Pro: battery report",
                "Heavy use, about 7 hours screen-on:\n- 100% at 8 am, **18%** at 11 pm\n"
                "- an hour of {game} costs about 14%\n\nMuch better than my old phone; 5G standby "
                "could still improve.",
            ),
            (
                FEEDBACK,
                "Love the telephoto macro, a few notes",
                "Shot flowers all weekend with the telephoto macro and the results are stunning. "
                "Two notes: focus hunts now and then, and **the macro toggle is buried** in the menu.",
            ),
            (
                FEEDBACK,
                "Fewer preinstalled apps in the international ROM, please",
                "Setting up my phone in {city} I had to remove several preinstalled apps. "
                "An option during setup to **skip recommended apps** would make a better first impression.",
            ),
            (
                DISCUSSION,
                "What case are you using on your 15 Pro?",
                "The official case yellows quickly. Which case do you use, and does it work with "
                "**wireless charging**?",
            ),
            (
                DISCUSSION,
                "Best {game} graphics settings on the 15 Pro?",
                "I run **high quality at 90 fps**, about 42 °C after an hour. What do you use?",
            ),
            (
                DISCUSSION,
                "Have you updated to {ver} yet?",
                "Thinking about installing {ver}. How are battery, heat and bugs for those who did?",
            ),
        ],
    },
    "car": {
        "zh": [
            (
                SUGGESTION,
                "建议增加冬季续航标定，{temp} 时续航虚标严重",
                "在{city}，室外 **{temp}** 的时候，仪表显示续航和实际差距能到 30% 以上。建议：\n"
                "- 根据室外温度和近期能耗动态修正续航\n- 导航时把空调能耗也算进去\n\n"
                "北方车主冬天最怕的就是续航焦虑。",
            ),
            (
                SUGGESTION,
                "希望电池预热可以在 App 里定时",
                "冬天早上出门前想让电池先预热，现在只能在车机上设置导航到充电站才会预热。"
                "希望手机 App 能**定时预热电池和座舱**，比如工作日 7:30。",
            ),
            (
                SUGGESTION,
                "哨兵模式希望增加低功耗选项",
                "小区停车开一晚上哨兵模式要掉 8% 左右电。"
                "建议增加**低功耗哨兵**：只在有人靠近时录像，其余时间休眠。",
            ),
            (
                SUGGESTION,
                "HUD 希望显示下一个路口的车道信息",
                "在{city}高架上经常来不及变道。希望 HUD 在距离路口 500 米时显示**车道级指引**，"
                "不用低头看中控。",
            ),
            (
                SUGGESTION,
                "语音助手希望支持连续对话",
                "现在每句话都要先喊唤醒词，比如「打开座椅加热」之后还想「温度调到 24 度」，"
                "又得再喊一次。希望支持 **30 秒内免唤醒连续对话**。",
            ),
            (
                SUGGESTION,
                "建议增加宠物模式（车内恒温 + 屏幕提示）",
                "夏天偶尔要带狗出门，下车买东西几分钟。希望有**宠物模式**：空调保持运行，"
                "中控屏显示「主人马上回来，车内温度 24℃」，免得路人担心。",
            ),
            (
                SUGGESTION,
                "充电地图希望显示充电桩实时空闲状态",
                "开到充电站才发现全在排队。希望地图上能显示**第三方充电桩的实时空闲数量**，"
                "至少覆盖几大运营商。",
            ),
            (
                SUGGESTION,
                "座椅和后视镜记忆希望绑定手机钥匙",
                "我和家人共用一辆车，每次换人都要调座椅和后视镜。"
                "建议按**手机钥匙识别驾驶员**，自动恢复各自的座椅、后视镜和常用导航。",
            ),
            (
                SUGGESTION,
                "NOA 希望可以选更保守的跟车距离",
                "NOA 在高速上跟车偏近，家里人坐车会紧张。希望跟车距离能多一档**「更远」**，"
                "或者单独给 NOA 设置。",
            ),
            (
                SUGGESTION,
                "露营模式希望可以关闭外部灯光",
                "周末去露营，露营模式开着空调很舒服，但车外的氛围灯和迎宾灯会一直亮，"
                "影响旁边的帐篷。希望露营模式里可以**一键关闭外部灯光**。",
            ),
            (
                SUGGESTION,
                "App 远程控制希望增加开启后备箱",
                "家人用车时经常需要我远程打开后备箱放东西。希望 App 里增加**远程开启后备箱**，"
                "可以加二次确认。",
            ),
            (
                BUG,
                "OTA {ver} 后倒车影像偶发黑屏",
                "升级 **{ver}** 后，挂倒挡时倒车影像大概 1/10 的概率黑屏，只有雷达声音。"
                "重新挂 P 挡再挂 R 挡可以恢复。\n\n- 行驶里程 {km} 公里\n- 已在车上提交日志",
            ),
            (
                BUG,
                "{temp} 低温下快充功率只有 30kW",
                "在{city}，室外 {temp}，开启了电池预热，到了超充站功率一直在 **30kW** 左右，"
                "充到 80% 用了一个多小时。同一个桩别的车能跑到 120kW 以上。",
            ),
            (
                BUG,
                "手机钥匙偶尔无法解锁",
                "大概一周一两次，走到车旁边不解锁，必须掏出手机打开 App 才能开门。"
                "手机是橙子 15 Pro，蓝牙常开，车机 {ver}。",
            ),
            (
                BUG,
                "{ver} 升级后导航语音和音乐音量忽大忽小",
                "导航播报时音乐压得太低，播报完又突然变很大。{ver} 之前没这个问题，"
                "设置里的**混音比例**调了也没用。",
            ),
            (
                BUG,
                "车机蓝牙连接 iPhone 后通讯录不同步",
                "iPhone 连接车机后，通话正常，但通讯录一直显示「同步中」，最多只同步几十个联系人。"
                "已经删除配对重连过两次，车机版本 {ver}。",
            ),
            (
                BUG,
                "自动泊车识别不了斜列式车位",
                "商场和{city}很多路边是斜列式车位，自动泊车一直识别不到，**垂直和侧方都正常**。"
                "车位线清晰，光线也好。",
            ),
            (
                BUG,
                "OTA {ver} 下载进度卡在 45% 不动",
                "车辆停在家里地库，Wi-Fi 信号满格，OTA {ver} 下载到 45% 后两天都没动。"
                "重启车机也不行，希望后台帮忙看一下。",
            ),
            (
                FEEDBACK,
                "提车三个月 / {km} 公里用车反馈",
                "提车三个月，跑了 {km} 公里，总结一下：\n- **加速和底盘**超出预期\n"
                "- 车机很流畅，语音识别准\n- 高速风噪略大\n- 冬天续航打七折左右\n\n总体非常满意。",
            ),
            (
                FEEDBACK,
                "{city}冬季用车体验和几点反馈",
                "{city}冬天 {temp} 用车一个月：热泵空调制热快，座椅加热给力。"
                "问题是**早上第一次出门续航掉得快**，以及雨刮偶尔结冰。",
            ),
            (
                FEEDBACK,
                "交付中心服务很专业，点赞",
                "昨天在{city}交付中心提车，交付专员讲解了一个半小时，每个功能都演示了一遍，"
                "还帮忙设置好了手机钥匙。**体验满分**。",
            ),
            (
                FEEDBACK,
                "座椅通风太弱，夏天反馈",
                "座椅通风开到最大档也感觉不明显，夏天长途后背还是出汗。希望后续能通过 OTA **提高风量**，"
                "或者增加一档。",
            ),
            (
                FEEDBACK,
                "{ver} 的能量回收调校很舒服",
                "更新 {ver} 后，能量回收的介入更线性了，**单踏板**开起来不再点头，家里人也不晕车了。"
                "这次优化点赞。",
            ),
            (
                FEEDBACK,
                "车机很流畅，但应用生态太少",
                "车机流畅度没得说，但是常用的音乐和播客应用还不全，希望尽快接入更多应用，"
                "或者**支持手机应用流转到车机**。",
            ),
            (
                DISCUSSION,
                "SU7 车主们都装了哪些配件？",
                "提车一周，已经买了脚垫和手机支架。大家都装了什么？**哪些是真正有用的**，哪些是智商税？",
            ),
            (
                DISCUSSION,
                "大家冬季实际续航是多少？来晒晒",
                "我在{city}，{temp}，通勤 40 公里，实际续航大概是标称的 **65%**。"
                "大家按「城市 / 温度 / 实际续航」格式来晒一下吧。",
            ),
            (
                DISCUSSION,
                "第一次跑长途：{city}自驾记录",
                "上周第一次开 SU7 跑长途去{city}，全程 600 多公里，充了两次电。"
                "NOA 开了大部分高速路段，**非常省心**。有问题可以问我。",
            ),
            (
                DISCUSSION,
                "你们会开 NOA 上下班吗？",
                "早晚高峰城区路况复杂，我一般只在快速路上开 NOA。大家的使用习惯是怎样的？",
            ),
        ],
        "en": [
            (
                SUGGESTION,
                "Winter range calibration: the estimate is 30% too optimistic at {temp}",
                "In {city} at **{temp}** the displayed range is far above what I actually get.\n\n"
                "Please:\n- correct the estimate using outside temperature and recent consumption\n"
                "- include cabin heating in the navigation arrival estimate",
            ),
            (
                SUGGESTION,
                "Schedule battery preconditioning from the app",
                "On winter mornings I want a warm battery and cabin at 7:30 on weekdays. Today I can "
                "only precondition by navigating to a charger. A **scheduled preconditioning** option "
                "in the app would solve it.",
            ),
            (
                SUGGESTION,
                "Low-power option for sentry mode",
                "A night of sentry mode costs about 8% battery. A **low-power sentry** that only "
                "records when someone approaches would be ideal.",
            ),
            (
                SUGGESTION,
                "Pet mode: keep the cabin cool and show a message",
                "When I pop into a shop with my dog, I'd like the A/C to keep running and the screen to "
                'say **"My owner will be back soon, cabin 22 °C"** so passers-by don\'t worry.',
            ),
            (
                SUGGESTION,
                "Show live charger availability on the map",
                "I keep arriving at full charging stations. Please show **live availability** for "
                "third-party chargers, at least for the big networks around {city}.",
            ),
            (
                SUGGESTION,
                "Let me choose a longer following distance for NOA",
                "NOA follows a bit close on the motorway and my passengers get nervous. "
                'One more **"far"** setting would help.',
            ),
            (
                BUG,
                "Rear camera sometimes black after OTA {ver}",
                "Since **{ver}**, about one in ten times the reverse camera stays black (parking "
                "sensors still beep). Shifting to P and back to R fixes it. {km} km on the car.",
            ),
            (
                BUG,
                "DC charging limited to 30 kW at {temp}",
                "In {city} at {temp}, with preconditioning on, the charger stays around **30 kW**. "
                "Other cars get 120 kW+ on the same charger.",
            ),
            (
                BUG,
                "Phone key fails to unlock about once a week",
                "Walking up to the car sometimes does nothing and I have to open the app. "
                "Bluetooth is always on; car software {ver}.",
            ),
            (
                BUG,
                "Navigation prompts duck the music too much since {ver}",
                "During prompts the music almost disappears, then comes back too loud. "
                "Changing the **mix ratio** setting has no effect since {ver}.",
            ),
            (
                BUG,
                "Auto park does not detect angled bays",
                "Perpendicular and parallel bays work, but angled bays are never detected, "
                "even with clear markings in good light.",
            ),
            (
                FEEDBACK,
                "{km} km in: owner feedback",
                "After {km} km:\n- **acceleration and handling** exceed expectations\n"
                "- infotainment is fast\n- wind noise at motorway speed is noticeable\n\nVery happy overall.",
            ),
            (
                FEEDBACK,
                "The regen braking in {ver} feels great",
                "Since {ver} regen blends in much more smoothly. **One-pedal driving** no longer "
                "makes my passengers carsick. Nice work.",
            ),
            (
                FEEDBACK,
                "Delivery experience in {city} was excellent",
                "The delivery specialist spent ninety minutes showing every feature and set up the "
                "phone key with me. **Ten out of ten.**",
            ),
            (
                DISCUSSION,
                "Which accessories did you get for your SU7?",
                "So far I have floor mats and a phone mount. What's actually useful?",
            ),
            (
                DISCUSSION,
                "Post your real winter range",
                "{city}, {temp}, 40 km commute: I get about **65%** of the rated range. "
                "Please post city / temperature / real range.",
            ),
        ],
    },
    "home": {
        "zh": [
            (
                SUGGESTION,
                "扫地机希望增加宠物毛发过滤模式",
                "家里养了{pet}，换毛季每天都能扫出一团毛。希望 **{vacuum}** 增加：\n"
                "- 宠物模式：提高吸力，缩短滚刷清理提醒周期\n- 尘盒快满时在 App 推送提醒\n\n"
                "现在毛发经常缠在滚刷上，每周都要拆下来剪。",
            ),
            (
                SUGGESTION,
                "净化器希望能和空调、新风联动",
                "**{purifier}** 检测到 PM2.5 升高时，希望能联动关闭新风、打开空调内循环。"
                "现在只能在 App 里手动写自动化，很多老人不会设置。",
            ),
            (
                SUGGESTION,
                "{cooker} 希望增加杂粮饭 / 糙米程序",
                "家里控糖，经常煮杂粮饭。现在用「精煮」模式，糙米总是偏硬。"
                "希望增加**杂粮 / 糙米专用程序**，自动延长浸泡时间。",
            ),
            (
                SUGGESTION,
                "扫地机希望按房间设置不同吸力和拖地湿度",
                "{room}是木地板，厨房是瓷砖，希望 **{vacuum}** 能按房间分别设置吸力和拖布湿度，"
                "而不是全屋一个档位。",
            ),
            (
                SUGGESTION,
                "净化器夜间模式希望能完全关闭指示灯",
                "{purifier} 放在{room}，夜间模式下屏幕还是有微弱的光，孩子睡觉很敏感。"
                "希望可以**完全熄灭所有指示灯**。",
            ),
            (
                SUGGESTION,
                "扫地机希望能识别宠物粪便并绕开",
                "养宠家庭最怕的事情大家都懂……希望 {vacuum} 的避障能**专门识别宠物便便**，"
                "并在 App 里标记位置提醒主人。",
            ),
            (
                SUGGESTION,
                "电饭煲预约希望直接设置「几点吃饭」",
                "{cooker} 的预约现在是「几小时后煮好」，每次都要心算。"
                "希望改成**直接选择开饭时间**，比如早上 7:00。",
            ),
            (
                SUGGESTION,
                "滤芯寿命希望按实际空气质量计算",
                "{purifier} 滤芯寿命现在按运行时间算，但我家空气很好，提醒更换时滤芯看起来还很新。"
                "希望**按累计净化量**来计算寿命。",
            ),
            (
                SUGGESTION,
                "智能家居 App 希望增加离家模式一键联动",
                "出门时想一键：扫地机开始打扫、净化器切到自动、关掉所有灯。"
                "希望 App 首页提供**离家 / 回家**两个快捷场景。",
            ),
            (
                SUGGESTION,
                "扫地机地图希望支持多楼层保存",
                "家里是复式，{vacuum} 每次搬到楼上都要重新建图。希望支持**保存多张地图**，自动识别当前楼层。",
            ),
            (
                SUGGESTION,
                "净化器希望在{room}自动切换睡眠模式",
                "希望 {purifier} 能根据光线和时间在{room}**自动进入睡眠模式**，"
                "早上再自动恢复，不用每天手动切换。",
            ),
            (
                BUG,
                "{vacuum} 升级固件 {fw} 后频繁卡在地毯边缘",
                "升级 **{fw}** 后，{vacuum} 每次清扫都会在{room}地毯边缘卡住，报「主刷缠绕」。"
                "地毯是短毛的，之前的固件完全没问题。",
            ),
            (
                BUG,
                "{purifier} PM2.5 读数一直显示 999",
                "从前天开始 {purifier} 的 PM2.5 数值一直是 **999**，风机一直最大档。"
                "清洁过传感器进风口，重启也没用。固件 {fw}。",
            ),
            (
                BUG,
                "{cooker} 预约煮饭到点没有启动",
                "昨晚预约早上 6:30 煮好，结果早上米还是生的，App 里显示预约成功。"
                "这周已经发生两次了，固件 {fw}。",
            ),
            (
                BUG,
                "App 里设备经常显示离线",
                "家里 5 台橙子设备，App 里经常显示**离线**，但设备本身在正常工作。"
                "路由器没有问题，其他品牌的设备都在线。App 已是最新版。",
            ),
            (
                BUG,
                "{vacuum} 回充找不到底座，一直原地转圈",
                "清扫结束后 {vacuum} 在底座附近转圈十几分钟，最后报「回充失败」。"
                "底座两侧已经留出了 50 厘米空间，固件 {fw}。",
            ),
            (
                BUG,
                "{purifier} 升级 {fw} 后自动模式风速不变",
                "升级 {fw} 后自动模式下无论空气质量怎样，风速都固定在 2 档，**做饭时也不加速**。",
            ),
            (
                BUG,
                "{cooker} 保温 6 小时后米饭底部发黄",
                "早上煮的饭保温到中午，底部一层明显发黄发干。**保温温度是不是太高了？**",
            ),
            (
                FEEDBACK,
                "{purifier} 用了半年的真实感受",
                "过敏体质，{purifier} 在{room}开了半年：\n- 早上起床**打喷嚏明显少了**\n"
                "- 睡眠模式几乎听不到声音\n- 滤芯价格偏贵\n\n总体推荐。",
            ),
            (
                FEEDBACK,
                "{cooker} 煮的米饭很好吃，分享几点体验",
                "用 {cooker} 一个月：米饭口感软糯有嚼劲，煲汤也不错。"
                "小意见：**内胆涂层**希望更耐刮，App 里的菜谱可以再多一些。",
            ),
            (
                FEEDBACK,
                "{vacuum} 对养宠家庭的友好度反馈",
                "家里{pet}，用了两个月：吸毛效果好，**避障能力很强**，没有发生过惨案。"
                "唯一的问题是尘盒满得太快。",
            ),
            (
                FEEDBACK,
                "安装师傅服务很好，但配送慢了三天",
                "净化器的上门安装师傅很专业，还教了怎么换滤芯。但是配送比预计晚了三天，"
                "期间客服也没有主动通知。",
            ),
            (
                FEEDBACK,
                "App 首页太复杂了，老人不会用",
                "给爸妈装了扫地机和净化器，他们经常找不到开关。希望 App 有**长辈模式**：大字体、"
                "只保留常用按钮。",
            ),
            (
                FEEDBACK,
                "智能家居联动稳定性反馈",
                "自动化场景大部分时候能触发，但**每周总有一两次不执行**，也没有任何提示。希望增加执行日志。",
            ),
            (
                DISCUSSION,
                "大家家里都有哪些橙子智能家居？",
                "我家目前：{vacuum}、{purifier}、{cooker}。大家最推荐哪一个？**最后悔买的**是什么？",
            ),
            (
                DISCUSSION,
                "养宠家庭扫地机使用心得交流",
                "家里{pet}，用扫地机的心得：每天定时扫一次，滚刷每周清理。大家还有什么技巧？",
            ),
            (
                DISCUSSION,
                "南方回南天，净化器和除湿机怎么搭配？",
                "回南天墙上都在滴水，{purifier} 和除湿机大家是怎么配合使用的？**要不要同时开**？",
            ),
            (
                DISCUSSION,
                "电饭煲煮饭，水米比例大家怎么放？",
                "东北大米和泰国香米我都是 1:1.2，大家用 {cooker} 都是怎么放的？",
            ),
        ],
        "en": [
            (
                SUGGESTION,
                "Pet hair filter mode for the {vacuum}",
                "We have {pet} and during shedding season the brush is wrapped in fur every day. "
                "Please add:\n- a **pet mode** with higher suction\n- an app alert when the dust bin "
                "is almost full",
            ),
            (
                SUGGESTION,
                "Per-room suction and mop settings",
                "The {room} has wooden floors, the kitchen tiles. Let the {vacuum} use **different "
                "suction and mop wetness per room**.",
            ),
            (
                SUGGESTION,
                "Let me switch off the purifier's display completely at night",
                "The {purifier} in our {room} still glows in night mode and our toddler is a light "
                "sleeper. Please allow **all lights off**.",
            ),
            (
                SUGGESTION,
                "Filter life should depend on actual air quality",
                "Filter life is counted in hours, but our air is clean and the filter looks new when "
                "the app says replace. Please count **filtered volume** instead.",
            ),
            (
                SUGGESTION,
                "Brown rice program for the {cooker}",
                "We eat brown rice and mixed grains. The standard program leaves them too hard. "
                "A **brown rice** program with a longer soak would be perfect.",
            ),
            (
                SUGGESTION,
                "Multi-floor maps for the robot vacuum",
                "Our house has two floors and the {vacuum} rebuilds the map every time I carry it "
                "upstairs. Please support **several saved maps**.",
            ),
            (
                BUG,
                "{vacuum} gets stuck on rug edges since firmware {fw}",
                'Since **{fw}** the {vacuum} stops at the edge of our {room} rug with a "brush '
                'tangled" error. Short-pile rug, no problems on the previous firmware.',
            ),
            (
                BUG,
                "{purifier} shows PM2.5 999 permanently",
                "For two days the PM2.5 reading has been **999** and the fan runs at maximum. "
                "Cleaned the sensor inlet and restarted, no change (firmware {fw}).",
            ),
            (
                BUG,
                "Devices keep showing offline in the app",
                "Five Orange devices, and the app often shows them **offline** while they work "
                "fine. Other brands on the same router stay online.",
            ),
            (
                BUG,
                "Robot vacuum can't find its dock",
                "After cleaning, the {vacuum} circles near the dock for ten minutes and reports "
                '"return failed". Plenty of space around the dock; firmware {fw}.',
            ),
            (
                FEEDBACK,
                "Six months with the {purifier} (allergy sufferer)",
                "Hay fever every spring; this year with the {purifier} in the {room}:\n"
                "- **far fewer sneezing mornings**\n- silent in sleep mode\n- filters are pricey",
            ),
            (
                FEEDBACK,
                "The {cooker} makes great rice, a few notes",
                "Fluffy rice every time. Two notes: the **inner pot coating** scratches easily, "
                "and the app could offer more recipes.",
            ),
            (
                FEEDBACK,
                "Good robot vacuum for a home with {pet}",
                "Two months in: picks up fur well and the **obstacle avoidance** has prevented any "
                "disasters. The dust bin fills quickly though.",
            ),
            (
                DISCUSSION,
                "Which Orange Home devices do you own?",
                "We have the {vacuum}, the {purifier} and the {cooker}. Which would you recommend first?",
            ),
            (
                DISCUSSION,
                "Robot vacuum tips for pet owners",
                "We have {pet}. Daily scheduled run, brush cleaned weekly. What else works for you?",
            ),
            (
                DISCUSSION,
                "Rice-to-water ratios: what works for you?",
                "I use 1:1.2 for jasmine rice in the {cooker}. What about you?",
            ),
        ],
    },
    "wearable": {
        "zh": [
            (
                SUGGESTION,
                "手环希望支持{sport}自动识别",
                "经常忘记手动开始记录{sport}，结束了才想起来。希望手环 9 能**自动识别{sport}**，"
                "开始 10 分钟后弹出提示确认。",
            ),
            (
                SUGGESTION,
                "睡眠监测希望增加午睡识别",
                "中午在公司趴桌上睡 30 分钟，手环完全不记录。希望**识别午睡**并计入当天睡眠，"
                "哪怕单独显示也好。",
            ),
            (
                SUGGESTION,
                "表盘希望支持自定义照片",
                "表盘市场的款式挺多，但想用自己孩子的照片做表盘。希望支持**上传照片 + 选择时间样式**。",
            ),
            (
                SUGGESTION,
                "勿扰模式希望和手机专注模式同步",
                "手机开了专注模式，手环还在一直震动。希望手环的勿扰能**跟随手机自动开启**，"
                "连接{phone}也能支持。",
            ),
            (
                SUGGESTION,
                "希望 NFC 支持模拟加密门禁卡",
                "小区门禁是加密卡，手环 9 模拟不了。希望后续固件能支持**加密门禁卡**，出门跑步就不用带卡了。",
            ),
            (
                SUGGESTION,
                "游泳模式希望增加泳姿识别和 SWOLF",
                "每周游三次泳，希望手环 9 能识别**蛙泳 / 自由泳 / 仰泳**，并显示 SWOLF 效率指数，"
                "现在只有距离和时间。",
            ),
            (
                SUGGESTION,
                "消息通知希望支持快捷回复",
                "跑步时收到消息，希望手环能用预设短语**快捷回复**（比如「在跑步，稍后回复」），"
                "至少在连接安卓手机时支持。",
            ),
            (
                SUGGESTION,
                "久坐提醒希望午休时段不提醒",
                "中午 12:30-13:30 午休的时候还在提醒我起来活动，有点哭笑不得。希望可以设置**免打扰时段**。",
            ),
            (
                SUGGESTION,
                "心率异常提醒希望自定义阈值",
                "我是耐力运动爱好者，静息心率只有 48，经常被误报「心率过低」。"
                "希望**高 / 低心率提醒阈值**可以自己设置。",
            ),
            (
                SUGGESTION,
                "{sport}时希望通过耳机实时语音播报配速",
                "{sport}时不方便看手环，希望手环能通过蓝牙耳机**每公里播报配速和心率**。",
            ),
            (
                SUGGESTION,
                "连接{phone}时希望支持天气和日程同步",
                "连接{phone}后天气经常不更新，日程也看不到。希望完善**天气和日程同步**。",
            ),
            (
                BUG,
                "固件 {fw}：睡眠数据少了一段",
                "升级 **{fw}** 后，连续三天凌晨 3 点到 5 点的睡眠数据缺失，显示为「未佩戴」。"
                "我戴得很紧，之前的固件没有这个问题。",
            ),
            (
                BUG,
                "连接{phone}后经常断连，消息收不到",
                "手环 9 连接{phone}，大概每隔几个小时就断开一次，期间的消息全都收不到。"
                "App 已允许后台运行，固件 {fw}。",
            ),
            (
                BUG,
                "{sport}模式 GPS 轨迹漂移严重",
                "用手环 9 记录{sport}，轨迹经常飘到河对面，距离比实际多了 **15%**。"
                "同一条路线用手机记录是准的。",
            ),
            (
                BUG,
                "固件 {fw} 后抬腕亮屏失灵",
                "升级 {fw} 后抬腕亮屏经常没反应，要抬好几次。灵敏度已经调到最高。",
            ),
            (
                BUG,
                "血氧测量一直提示「佩戴过松」",
                "手动测血氧总是提示**「佩戴过松」**，已经戴得很紧了，换了手腕也一样。心率测量正常。",
            ),
            (
                BUG,
                "步数和手机计步差距很大",
                "同一天手环记录 6000 步，手机记录 11000 步，**差了将近一半**。手环戴在左手，不是惯用手。",
            ),
            (
                BUG,
                "升级 {fw} 后续航从 14 天降到 6 天",
                "同样的设置（心率 1 分钟一次、睡眠监测、消息提醒），升级 **{fw}** 后续航只有 6 天，"
                "之前可以用 14 天。",
            ),
            (
                FEEDBACK,
                "手环 9 用了两周：续航和准确度反馈",
                "两周体验：\n- 续航：**12 天**（心率常开）\n- 心率：跟胸带对比误差很小\n"
                "- 睡眠：入睡时间偶尔判断晚了\n\n性价比很高。",
            ),
            (
                FEEDBACK,
                "新表带很舒服，但卡扣容易松",
                "新款硅胶表带手感很好，夏天也不闷。但是**卡扣容易松开**，{sport}时掉过一次。",
            ),
            (
                FEEDBACK,
                "{sport}数据和专业设备对比结果",
                "拿手环 9 和专业设备对比了五次{sport}：心率平均误差 3 次/分，"
                "距离误差约 **2%**。日常使用完全够了。",
            ),
            (
                FEEDBACK,
                "屏幕在阳光下可视性很好",
                "中午在户外{sport}，屏幕亮度自动拉满，看得非常清楚，**比上一代进步很大**。",
            ),
            (
                FEEDBACK,
                "App 里的健康报告太简单",
                "周报只有步数和睡眠时长，希望增加**趋势对比**和简单的改进建议。",
            ),
            (
                FEEDBACK,
                "送给爸妈的礼物，他们很喜欢",
                "给爸妈一人买了一个，他们最喜欢的是**久坐提醒和心率监测**。希望字体可以再大一点。",
            ),
            (
                DISCUSSION,
                "大家戴手环睡觉吗？",
                "戴着睡觉能记录睡眠，但总觉得手腕不舒服。大家是一直戴着还是睡前摘掉？",
            ),
            (
                DISCUSSION,
                "手环 9 和上一代值不值得换？",
                "手上是手环 8，主要用来{sport}和看消息。大家觉得**升级手环 9 的提升**大吗？",
            ),
            (
                DISCUSSION,
                "晒晒你们的表盘",
                "我用的是极简数字表盘，大家都用什么表盘？来晒一下截图描述~",
            ),
            (
                DISCUSSION,
                "{sport}爱好者来打卡",
                "本月{sport}目标 100 公里，目前完成 **63 公里**。大家一起打卡互相监督！",
            ),
        ],
        "en": [
            (
                SUGGESTION,
                "Auto-detect {sport} workouts",
                "I often forget to start the workout. Please **auto-detect {sport}** and ask for "
                "confirmation after ten minutes.",
            ),
            (
                SUGGESTION,
                "Custom photo watch faces",
                "The store has many faces, but I'd like **my own photo** with a choice of time style.",
            ),
            (
                SUGGESTION,
                "Quick replies to messages",
                "When I'm out {sport}, I'd like to send a **preset reply** like \"Busy, call you "
                'later" from the band.',
            ),
            (
                SUGGESTION,
                "Sync Do Not Disturb with the phone's focus mode",
                "My {phone} is in focus mode but the band keeps buzzing. Please **follow the phone's "
                "focus mode** automatically.",
            ),
            (
                SUGGESTION,
                "Swim stroke detection and SWOLF",
                "I swim three times a week. Please detect **breaststroke / freestyle / backstroke** "
                "and show SWOLF.",
            ),
            (
                SUGGESTION,
                "Configurable heart rate alert thresholds",
                'My resting heart rate is 48 and I keep getting "low heart rate" alerts. '
                "Let us **set the thresholds** ourselves.",
            ),
            (
                BUG,
                "Sleep data missing a chunk since firmware {fw}",
                'Since **{fw}**, 3 am to 5 am shows as "not worn" three nights in a row. '
                "The band is snug; no issue before.",
            ),
            (
                BUG,
                "Keeps disconnecting from my {phone}",
                "Every few hours the band disconnects from my {phone} and I miss notifications. "
                "Background activity allowed; firmware {fw}.",
            ),
            (
                BUG,
                "GPS track drifts during {sport}",
                "The track jumps across the river and the distance comes out **15% too long**. "
                "My phone records the same route correctly.",
            ),
            (
                BUG,
                "Battery life dropped from 14 to 6 days after {fw}",
                "Same settings (heart rate every minute, sleep tracking, notifications), but since "
                "**{fw}** I only get 6 days.",
            ),
            (
                FEEDBACK,
                "Two weeks with the Band 9: accuracy and battery",
                "- Battery: **12 days** with continuous heart rate\n- Heart rate: very close to my "
                "chest strap\n- Sleep: falls-asleep time is sometimes late\n\nGreat value.",
            ),
            (
                FEEDBACK,
                "{sport} data compared with my chest strap",
                "Five {sport} sessions side by side: heart rate off by about 3 bpm on average, "
                "distance within **2%**. Good enough for me.",
            ),
            (
                FEEDBACK,
                "Screen is easy to read in bright sunlight",
                "Out {sport} at noon and the screen was perfectly readable. **Big step up** from the Band 8.",
            ),
            (
                DISCUSSION,
                "Do you wear your band to sleep?",
                "Sleep tracking is nice but my wrist gets uncomfortable. Do you keep it on?",
            ),
            (
                DISCUSSION,
                "Band 9 vs Band 8: worth upgrading?",
                "I mostly use my Band 8 for {sport} and notifications. Is the Band 9 a big enough step?",
            ),
            (
                DISCUSSION,
                "Show us your watch faces",
                "I use a minimal digital face. Which one do you use?",
            ),
        ],
    },
    "lounge": {
        "zh": [
            (
                DISCUSSION,
                "新人报到，来自{city}的米粉",
                "大家好，我在{city}，刚入手橙子 15 Pro，之前一直潜水看帖。以后多多指教！",
            ),
            (
                DISCUSSION,
                "晒晒你的橙子全家桶",
                "我家目前：15 Pro、手环 9、扫地机、净化器，**就差一台 SU7 了**。大家的全家桶有多少件？",
            ),
            (
                DISCUSSION,
                "{city}线下米粉见面会，有人一起吗？",
                "听说下个月{city}有米粉见面会，有没有同城的朋友一起去？可以提前约个饭。",
            ),
            (
                DISCUSSION,
                "你入坑橙子的第一台设备是什么？",
                "我的第一台是橙子 1 代，当年排队抢的。大家的第一台是什么？",
            ),
            (
                DISCUSSION,
                "周末摄影大赛：主题「{theme}」",
                "这周末的摄影主题是**「{theme}」**，用橙子设备拍摄，欢迎在楼下描述你的作品和参数。",
            ),
            (
                DISCUSSION,
                "用橙子设备最感动的一个瞬间",
                "去年爸爸半夜心率异常，手环提醒了我们，及时去了医院。想听听大家的故事。",
            ),
            (
                DISCUSSION,
                "在社区待了一年，聊聊变化",
                "一年前发的建议现在已经上线了，工程师回复也越来越快。大家觉得社区还有哪些可以改进的？",
            ),
            (
                FEEDBACK,
                "社区的回复速度变快了，给工程师点赞",
                "上周发的 bug 第二天就有工程师回复，还给了临时解决办法。**这种沟通方式很好**，继续保持！",
            ),
            (
                FEEDBACK,
                "希望社区的搜索更准确",
                "搜索「续航」会出来很多不相关的帖子，希望搜索结果可以**按版块筛选**，并且把标题匹配排在前面。",
            ),
            (
                FEEDBACK,
                "信任等级规则能再透明一些吗",
                "看到有的朋友已经是「常客」了，我还是「成员」。希望在个人页显示**离下一级还差什么**。",
            ),
            (
                SUGGESTION,
                "建议社区增加深色模式",
                "晚上刷社区太亮了，希望网页和 App 都支持**深色模式**，最好能跟随系统。",
            ),
            (
                SUGGESTION,
                "希望能关注某个版块的新帖",
                "我只关心 SU7 和手环两个版块，希望可以**关注版块**，有新帖时收到通知。",
            ),
            (
                SUGGESTION,
                "建议给优质回答加「已解决」标记",
                "有些求助帖下面已经有人给出解决办法了，希望楼主可以**标记最佳回答**，方便后来的人。",
            ),
            (
                SUGGESTION,
                "希望发帖时可以插入投票",
                "想做个小调查，比如「大家冬天续航打几折」，希望发帖时可以**插入投票**。",
            ),
            (
                SUGGESTION,
                "手机端发帖希望自动保存草稿",
                "在手机上写了很长的反馈，切出去复制个截图回来内容就没了。希望**自动保存草稿**。",
            ),
        ],
        "en": [
            (
                DISCUSSION,
                "Hello from {city}!",
                "Long-time lurker, finally registered. I have a 15 Pro and a Band 9. Nice to meet you all!",
            ),
            (
                DISCUSSION,
                "What was your first Orange device?",
                "Mine was the Orange 3 back in the day. What was yours?",
            ),
            (
                DISCUSSION,
                "Photo challenge: {theme}",
                "This week's theme is **{theme}**. Shoot with any Orange device and describe your "
                "shot and settings below.",
            ),
            (
                DISCUSSION,
                "Fans outside China: where do you buy?",
                "I'm in {city}. Official store, importers, or marketplaces? How is warranty handled?",
            ),
            (
                FEEDBACK,
                "The engineers reply fast here, thank you",
                "Reported a bug on Monday, had an engineer's answer with a workaround on Tuesday. "
                "**Keep it up!**",
            ),
            (
                FEEDBACK,
                "Search could be better for English posts",
                'Searching for "battery" shows many Chinese posts first. A **language filter** would help.',
            ),
            (
                SUGGESTION,
                "Dark mode for the forum, please",
                "Reading the forum at night is blinding. Please add a **dark mode** that follows the "
                "system setting.",
            ),
            (
                SUGGESTION,
                "Let me follow a board",
                "I only care about the SU7 and Band boards. Let me **follow boards** and get notified "
                "about new topics.",
            ),
            (
                SUGGESTION,
                "Mark the accepted answer in a thread",
                "Help threads often have the solution on page two. Let the author **mark the best answer**.",
            ),
            (
                SUGGESTION,
                "Save drafts automatically",
                "I lost a long post when switching apps on my phone. **Autosave drafts**, please.",
            ),
        ],
    },
}

# Pinned staff topics in the lounge: username, title, body.
PINNED_TOPICS = [
    (
        "founder_lei",
        "欢迎来到橙子共和国 / Welcome to Fan Republic",
        "各位米粉好！这里是我们和大家一起做产品的地方：\n\n"
        "- **建议**：你的想法，大家投票，工程师回复\n- **Bug**：写清楚版本和复现步骤，我们会跟进\n"
        "- **讨论**：聊什么都可以，友善第一\n\n"
        "Hello fans! This is where we build products together with you. Post suggestions, vote "
        "for the ones you want, report bugs with steps to reproduce, and **be kind**. "
        "Our engineers read every post.",
    ),
    (
        "op_zhou",
        "社区守则（必读） / Community guidelines",
        "1. **友善交流**，对事不对人\n2. 禁止广告、引流和倒卖信息\n3. 不要发布他人的隐私信息\n"
        "4. 反馈问题请写清楚**设备型号、系统版本、复现步骤**\n\n"
        "Be kind, no ads or reselling, no private information, and include device, version and "
        "steps when you report a problem. Use **Flag** on posts that break these rules.",
    ),
]
PINNED_REPLIES = {
    "zh": ["雷总好！支持！", "来报到了，社区越来越好。", "收到，已阅读守则。", "终于有官方的交流地方了。"],
    "en": ["Hello from Europe!", "Great to have an official place to talk.", "Read and understood."],
}

# Replies ------------------------------------------------------------------------------------

FAN_REPLIES = {
    "zh": {
        BUG: [
            "+1，我的也是 {ver}，一模一样的问题。",
            "同样遇到了，重启后能好一阵，过两天又出现。",
            "我这边没复现，楼主是不是开了省电模式？",
            "试过恢复出厂设置吗？我之前类似的问题这样解决了。",
            "已经在反馈工具里提交了日志，希望尽快修复。",
            "蹲一个官方回复。",
            "我也是，**每天至少出现两次**，影响挺大的。",
            "楼主可以录个屏，方便工程师定位。",
            "回退到上个版本就正常了，应该是新版本引入的问题。",
            "补充一下我的情况：\n- 出现频率：大概一天一次\n- 版本：{ver}",
        ],
        SUGGESTION: [
            "支持！这个需求太实用了。",
            "+1，希望下个版本就能安排上。",
            "同意楼主，补充一点：最好能做成**可选开关**，默认关闭。",
            "这个我也想要很久了。",
            "顶上去，让工程师看到。",
            "我有不同看法：功能越加越多系统会越来越臃肿，建议做成可选插件。",
            "已投票，坐等。",
            "强烈支持，**尤其是**给长辈用的时候特别需要。",
            "好建议，希望能同时支持 App 和网页端。",
        ],
        FEEDBACK: [
            "说得很中肯，同感。",
            "跟我的体验差不多。",
            "感谢分享，正在犹豫要不要入手，这下心里有数了。",
            "我的体验稍微差一点，可能和使用习惯有关。",
            "写得很详细，收藏了。",
            "赞同，希望官方能看到。",
        ],
        DISCUSSION: [
            "好问题，蹲一个大家的回答。",
            "我选第一个，用了半年没后悔。",
            "哈哈，同款！",
            "马克一下，回头慢慢看。",
            "这个话题有意思，说说我的情况：基本和楼主一样。",
            "楼上说得对。",
        ],
    },
    "en": {
        BUG: [
            "+1, same here on {ver}.",
            "Same issue. A restart fixes it for a day or two, then it comes back.",
            "Can't reproduce on mine. Do you have battery saver on?",
            "I sent logs through the feedback tool as well.",
            "Happens to me **at least twice a day**.",
            "Rolling back to the previous version fixed it, so it must be the update.",
        ],
        SUGGESTION: [
            "Yes please! I'd use this every day.",
            "+1, hope it makes the next release.",
            "Agreed, but make it an **optional toggle**, off by default.",
            "Upvoted.",
            "I've wanted this for ages.",
            "Not sure about this one; too many options make settings confusing.",
        ],
        FEEDBACK: [
            "Pretty much matches my experience.",
            "Thanks for the detailed write-up, very helpful.",
            "Mine is a bit worse, maybe it depends on usage.",
            "Agreed, hope the team reads this.",
        ],
        DISCUSSION: [
            "Great question, following.",
            "Same here!",
            "Interesting. For me it depends a lot on how I use it.",
            "Bookmarking this thread.",
        ],
    },
}

FAMILY_REPLIES = {
    "phone": {
        "zh": [
            "我 15 Pro 用了三个月，这个问题倒是没遇到。",
            "{game}玩家表示非常需要。",
            "升级 {ver} 之后我这边反而好了。",
            "建议先备份再升级，稳一点。",
            "拍照党路过，夜景确实还有提升空间。",
        ],
        "en": [
            "My 15 Pro has been fine on {ver} so far.",
            "As a {game} player I really want this.",
            "Back up before updating, just in case.",
        ],
    },
    "car": {
        "zh": [
            "冬天在北方开确实感受明显。",
            "我 {km} 公里了，跟楼主情况差不多。",
            "上周去交付中心问过，说后续 OTA 会优化。",
            "SU7 车主 +1。",
            "建议先开电池预热再去充电。",
        ],
        "en": [
            "Same experience in cold weather.",
            "At {km} km here, similar numbers.",
            "Precondition the battery before fast charging, it helps a lot.",
        ],
    },
    "home": {
        "zh": [
            "家里{pet}，深有体会。",
            "我的{vacuum}也有类似情况。",
            "滤芯记得按时换，影响挺大的。",
            "App 最近的版本确实稳定了不少。",
            "长辈用起来确实需要更简单一点。",
        ],
        "en": [
            "We have {pet} too, totally agree.",
            "My {vacuum} does the same.",
            "The latest app version feels more stable.",
        ],
    },
    "wearable": {
        "zh": [
            "我也是{sport}爱好者，这个功能很需要。",
            "连 {phone} 的时候我也遇到过。",
            "戴了一个月，续航确实顶。",
            "表带可以换第三方的，便宜还舒服。",
            "睡眠数据我觉得挺准的。",
        ],
        "en": [
            "As a {sport} fan I'd love this.",
            "Seen the same with my {phone}.",
            "Battery life is great on mine.",
        ],
    },
    "lounge": {
        "zh": [
            "欢迎欢迎！",
            "同城的举个手 🙋",
            "我也想参加！",
            "哈哈，同款全家桶。",
            "社区氛围确实越来越好了。",
        ],
        "en": ["Welcome aboard!", "Count me in!", "Love this community."],
    },
}

THANKS_REPLIES = {
    "zh": [
        "谢谢工程师回复！等更新。",
        "官方回复了，好评 👍",
        "收到，按你说的方法试了，暂时正常了。",
        "感谢跟进，期待 {next_ver}。",
        "日志已经提交了，编号发私信了。",
    ],
    "en": [
        "Thanks for the quick answer!",
        "Good to hear it's being looked at.",
        "Tried your suggestion and it works for now, thanks.",
        "Looking forward to {next_ver}.",
    ],
}

AUTHOR_REPLIES = {
    "zh": [
        "补充一下：今天又出现了一次，大概在晚上十点左右。",
        "谢谢大家的回复！",
        "更新：按楼上的方法试了，暂时好了，再观察几天。",
        "顶一下，希望更多人看到。",
    ],
    "en": [
        "Update: it happened again today around 10 pm.",
        "Thanks everyone for the replies!",
        "Update: tried the tip above and it's fine for now, will keep an eye on it.",
        "Bumping this so more people see it.",
    ],
}

MENTION_REPLIES = {
    "zh": [
        "@{username} 你之前说的那个问题，升级之后好了吗？",
        "@{username} 可以看看这个帖子，和你上次说的很像。",
    ],
    "en": ["@{username} did the update fix the issue you mentioned?"],
}
ENGINEER_MENTION_REPLIES = {
    "zh": ["@{username} 工程师能帮忙看一下吗？", "@{username} 麻烦看看，影响挺多人的。"],
    "en": ["@{username} could you take a look?"],
}

STAFF_REPLIES = {
    "zh": {
        BUG: [
            "你好，感谢反馈！麻烦在「设置 → 反馈」里提交一份日志，并在这里回复**日志编号**，我们会优先分析。",
            "已经在内部复现了这个问题，原因已定位，修复会跟随 **{next_ver}** 推送，届时在这里同步。",
            "感谢详细的复现步骤，非常有帮助。研发正在排查，有进展第一时间更新。",
            "这个问题和 {ver} 的一处改动有关，临时解决办法：\n1. 进入设置关闭相关开关\n2. 重启设备\n\n"
            "正式修复在路上。",
            "收到，已同步给对应的研发同学。想再确认一下：问题出现时是否连接了蓝牙设备？",
        ],
        SUGGESTION: [
            "谢谢建议！已经同步给产品经理，会在下一轮需求评审中讨论，结论会在这里更新。",
            "这个需求我们也收到了很多次，已经记录在案，**投票数**会作为排期的重要参考。",
            "好建议。技术上可行，需要评估一下对功耗的影响，有结论了回复大家。",
            "感谢反馈，这个场景我们之前确实没有考虑到，已经转给设计团队。",
        ],
        FEEDBACK: [
            "谢谢这么详细的反馈！你提到的几点已经整理给对应团队了。",
            "感谢认可，也谢谢提出的意见，我们会继续优化。",
            "收到，关于你说的问题，后续版本会有改进，欢迎持续关注。",
        ],
        DISCUSSION: [
            "工程师路过，看到大家讨论很热烈，有问题随时 @ 我们。",
            "很有意思的讨论，已经分享给团队了。",
        ],
    },
    "en": {
        BUG: [
            "Thanks for the report! Could you send a log via **Settings → Feedback** and reply with "
            "the log ID? We'll prioritise it.",
            "We've reproduced this internally. The fix ships with **{next_ver}**; we'll update this thread.",
            "Thanks for the clear steps to reproduce, that helps a lot. The team is investigating.",
            "This is related to a change in {ver}. Workaround for now:\n1. Turn the setting off\n"
            "2. Restart the device\n\nA proper fix is on the way.",
        ],
        SUGGESTION: [
            "Thanks for the suggestion! I've passed it to the product team for the next planning "
            "round; we'll post the outcome here.",
            "We've heard this one a few times; the **votes** here help us prioritise.",
            "Good idea. It's feasible, but we need to check the battery impact first. Will report back.",
        ],
        FEEDBACK: [
            "Thanks for the detailed feedback! I've shared your points with the relevant teams.",
            "Glad you like it, and thanks for the suggestions, we'll keep improving.",
        ],
        DISCUSSION: ["Engineer here, great discussion! Mention us if you have questions."],
    },
}

STAFF_FOLLOW_UPS = {
    "zh": [
        "更新一下：修复已经在内测版本中验证通过，稍后随 **{next_ver}** 推送。",
        "补充：如果升级后还有问题，请直接回复这个帖子。",
        "跟进一下：日志已经分析完，原因确认了，正在修复。",
        "同步进展：方案已评审通过，进入开发阶段。",
    ],
    "en": [
        "Update: the fix passed internal testing and ships with **{next_ver}**.",
        "Quick follow-up: if the issue persists after updating, please reply here.",
        "Update: logs analysed, root cause confirmed, fix in progress.",
    ],
}

# Other staff chiming in (store manager, legal, founder), Chinese topics only.
STORE_MANAGER_REPLIES = [
    "欢迎到门店来体验，我们可以现场帮你检测一下。",
    "这个周末门店有米粉活动，可以带设备过来，工程师现场答疑。",
]
LEGAL_REPLIES = ["提醒一下：请不要在公开帖子里发布手机号、车架号等个人信息，需要时请通过私信提供。"]
FOUNDER_REPLIES = [
    "这个帖子我看了，大家说得很对，已经让团队优先处理。",
    "谢谢米粉们的建议，我们会认真对待每一条反馈。",
    "好建议！我也是这个功能的用户，期待早点上线。",
]

STATUS_NOTES = {
    "zh": {
        "acknowledged": [
            "已确认，已转给负责的团队评估。",
            "问题已复现，进入排查。",
            "收到，已记录，评估中。",
        ],
        "planned": ["已排期，计划在 **{next_ver}** 中上线。", "需求评审通过，已列入下个版本计划。"],
        "in_progress": ["开发中，内测版本已经包含初版实现。", "研发已开始处理，预计两到三周完成。"],
        "shipped": ["已在 **{next_ver}** 正式推送，升级后欢迎反馈体验。", "已上线，感谢大家的建议和投票！"],
        "declined": [
            "经过评估暂不考虑：这个改动会明显增加功耗，我们会寻找其他方案。",
            "感谢建议。与现有功能冲突，暂不排期，后续如有变化会再更新。",
        ],
        "duplicate": ["与 #{original} 重复，已合并，投票已转移到原帖。"],
    },
    "en": {
        "acknowledged": ["Confirmed and passed to the responsible team.", "Reproduced, investigating."],
        "planned": ["Scheduled for **{next_ver}**.", "Approved in planning; it's on the roadmap."],
        "in_progress": ["In development; the internal beta has a first version.", "Work has started."],
        "shipped": [
            "Shipped in **{next_ver}**. Let us know how it works for you!",
            "Released, thanks for the votes!",
        ],
        "declined": [
            "We won't do this for now: it would noticeably increase power use. We'll look for alternatives.",
            "Thanks for the idea. It conflicts with an existing feature, so it isn't planned for now.",
        ],
        "duplicate": ["Duplicate of #{original}; merged, and your votes moved there."],
    },
}

# Posts that break the rules, flagged by members (for the operators' flag queue).
SPAM_REPLIES = [
    ("zh", "spam", "**低价出售**全新橙子 15 Pro，比官网便宜 1500，加微信 orange_cheap888 私聊。"),
    ("en", "spam", "Cheap Band 9 straps, 90% off!!! Message me for the shop link."),
    ("zh", "abuse", "这种问题也好意思发？自己不会搜吗，真是服了。"),
]
FLAG_DETAILS = {
    "spam": ["广告引流", "Looks like an ad", ""],
    "abuse": ["说话太冲了", "Rude to the author", ""],
}
