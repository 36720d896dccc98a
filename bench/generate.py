"""Deterministic synthetic corpus in Jiandu's real format, plus the same bodies for plain Pelican.

    python bench/generate.py N OUT        # writes OUT/jiandu/content and OUT/pelican/content

The words are the ones citizens search for: Jinan's districts, streets and roads, department
names with their short forms and aliases, and everyday problems written the several ways people
write them (暖气/供暖/供热, 欠薪/讨薪/拖欠工资, 噪音/噪声, 违建/违章建筑/违法建设). People appear
only as 王女士 or 李先生, as the editing guide asks; there are no names and no phone numbers.
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

YEARS = range(2012, 2022)  # ten years
BODY_CHARS = (600, 1200)  # Chinese characters in every body
SEGMENTS = 5  # per inquiry session
MAX_DEPARTMENTS = 3  # per column entry
HAN = re.compile(r"[\u4e00-\u9fff]")

# id, name, short name, aliases, domains
CITY = [
    ("cgj", "济南市城市管理局", "市城管局", ["城管局", "市城管执法局"], ["城市管理", "市容环卫", "供热"]),
    ("szj", "济南市市政公用事业局", "市市政公用局", ["市政公用局", "市政局"], ["供热", "燃气", "市政设施"]),
    ("zjj", "济南市住房和城乡建设局", "市住建局", ["住建局", "市城乡建设委"], ["住房和城乡建设", "建筑施工"]),
    ("fgj", "济南市住房保障和房产管理局", "市房管局", ["房管局"], ["物业管理", "房屋租赁"]),
    ("hbj", "济南市生态环境局", "市生态环境局", ["市环保局", "环保局"], ["大气污染", "噪声污染", "水污染"]),
    ("scjg", "济南市市场监督管理局", "市市场监管局", ["市场监管局", "市工商局", "市食药监局"],
     ["食品安全", "价格"]),
    ("rsj", "济南市人力资源和社会保障局", "市人社局", ["人社局", "市劳动保障局"], ["劳动保障", "欠薪"]),
    ("jtj", "济南市交通运输局", "市交通运输局", ["交通局", "市交通局"], ["出租汽车", "公交"]),
    ("jjzd", "济南市公安局交通警察支队", "市交警支队", ["交警支队", "交警"], ["交通秩序", "停车"]),
    ("gaj", "济南市公安局", "市公安局", ["公安局"], ["治安", "噪声"]),
    ("zrzy", "济南市自然资源和规划局", "市自然资源规划局", ["市规划局", "市国土资源局"],
     ["规划", "违法建设"]),
    ("swj", "济南市城乡水务局", "市水务局", ["水务局"], ["供水", "排水", "河道"]),
    ("ylj", "济南市园林和林业绿化局", "市园林局", ["园林局"], ["绿化", "公园"]),
    ("wjw", "济南市卫生健康委员会", "市卫健委", ["卫健委", "市卫生局"], ["医疗"]),
    ("jyj", "济南市教育局", "市教育局", ["教育局"], ["入学", "校外培训"]),
    ("whly", "济南市文化和旅游局", "市文旅局", ["文旅局"], ["景区", "文化市场"]),
    ("yjj", "济南市应急管理局", "市应急局", ["应急局", "市安监局"], ["安全生产"]),
    ("nync", "济南市农业农村局", "市农业农村局", ["农业局"], ["农村", "农资"]),
    ("mzj", "济南市民政局", "市民政局", ["民政局"], ["养老", "社会救助"]),
    ("zfj", "济南市综合行政执法局", "市综合执法局", ["综合执法局"], ["违法建设", "占道经营"]),
    ("ybj", "济南市医疗保障局", "市医保局", ["医保局"], ["医保报销"]),
]
# The heating office merged into the city management bureau: old records keep pointing at it.
MERGED = ("szj", "2019-01-31", "cgj")

# id, district, streets (town offices)
DISTRICTS = [
    ("lxq", "历下区", ["解放路街道", "泉城路街道", "千佛山街道"]),
    ("szq", "市中区", ["大观园街道", "六里山街道", "舜耕街道"]),
    ("hyq", "槐荫区", ["振兴街街道", "道德街街道", "青年公园街道"]),
    ("tqq", "天桥区", ["北园街道", "堤口路街道", "官扎营街道"]),
    ("lcq", "历城区", ["洪家楼街道", "山大路街道", "王舍人街道"]),
    ("cqq", "长清区", ["文昌街道", "平安街道", "崮云湖街道"]),
    ("zqq", "章丘区", ["明水街道", "双山街道", "圣井街道"]),
    ("jyq", "济阳区", ["济阳街道", "济北街道", "回河街道"]),
    ("lwq", "莱芜区", ["凤城街道", "张家洼街道", "高庄街道"]),
    ("gcq", "钢城区", ["艾山街道", "里辛街道", "颜庄街道"]),
    ("pyx", "平阴县", ["榆山街道", "锦水街道", "东阿镇"]),
    ("shx", "商河县", ["许商街道", "玉皇庙镇", "贾庄镇"]),
]
# id suffix, unit, short unit
DISTRICT_UNITS = [
    ("cgj", "城市管理局", "城管局"),
    ("scjg", "市场监督管理局", "市场监管局"),
    ("zjj", "住房和城乡建设局", "住建局"),
    ("rsj", "人力资源和社会保障局", "人社局"),
    ("zfj", "综合行政执法局", "综合执法局"),
    ("hbfj", "生态环境分局", "环保分局"),
]

ROADS = """经十路 泉城路 解放路 和平路 二环东路 北园大街 工业南路 英雄山路 经七路 纬二路 旅游路
    花园路 历山路 山大路 大明湖路 堤口路 顺河街 济泺路 腊山河西路 舜耕路""".split()
COMMUNITIES = """幸福里小区 阳光花园 和平新村 锦绣家园 丰华苑 建设路宿舍 花园路宿舍 北湖小区 翠园小区
    东方新城 南苑小区 文化里 福康小区 泉景花园 运河新村 银座花园 七里河小区 明湖小区""".split()
WHO = """王女士 李先生 张女士 刘先生 陈阿姨 赵大爷 孙先生 周女士 吴先生 一位市民 多位居民 一位老人
    几位家长 一位外卖骑手""".split()
SOURCES = ["12345热线", "读者来信", "网络留言", "记者暗访", "问政平台"]
ENTRY_STATUSES = ["已办结", "已办结", "已办结", "办理中", "已受理"]
COMMITMENT_STATUSES = ["已兑现", "已兑现", "推进中", "未启动"]


@dataclass(frozen=True)
class Topic:
    category: str  # the column's 问题类别
    words: tuple[str, ...]  # the ways citizens write the problem
    city: tuple[str, ...]  # city departments that answer for it
    units: tuple[str, ...]  # district units that answer for it (DISTRICT_UNITS ids)
    facts: tuple[str, ...]  # what citizens report; {w} is one of `words`
    fixes: tuple[str, ...]  # what the departments did


TOPICS = [
    Topic("供暖", ("暖气", "供暖", "供热", "暖气不热"), ("cgj", "szj", "zjj"), ("cgj", "zjj"),
          ("入冬以后家里的{w}一直不热，室温只有十二三度", "小区的{w}管网老化，暖气片上热下凉",
           "交了{w}费却迟迟不来暖，老人孩子只能穿着棉衣在家", "楼里几户人家的{w}时断时续，反映多次没有结果"),
          ("热力公司派人入户测温，排查管网后更换了锈死的阀门", "供热单位对老旧管网进行了改造，室温已经达标",
           "督促供热企业延长巡检时间，对不达标的住户退还部分{w}费")),
    Topic("欠薪", ("欠薪", "讨薪", "拖欠工资", "农民工工资"), ("rsj", "zjj"), ("rsj", "zjj"),
          ("工程完工半年了，包工头还{w}不给", "二十多名工人去工地{w}，项目部一直推诿",
           "装修公司{w}三个月，工人们多次上门也没有要到", "年底{w}问题集中出现，几位工友只好求助"),
          ("劳动保障监察大队约谈了施工单位负责人，工资已经足额发放", "责令建设单位从工资保证金中先行垫付",
           "将这家企业列入{w}失信名单，并向社会公布")),
    Topic("噪音", ("噪音", "噪声", "扰民", "夜间施工噪音"), ("hbj", "gaj", "cgj"), ("hbfj", "cgj"),
          ("工地夜里十一点以后还在施工，{w}吵得人睡不着", "楼下商铺的音响整天外放，{w}很大",
           "广场舞音箱开得太响，周边住户深受{w}之苦", "空调外机和冷却塔的{w}持续了整个夏天"),
          ("执法人员夜间蹲守取证，对施工单位依法作出处罚", "商铺负责人接受了批评教育，撤走了外放音响",
           "街道办事处协调划定了活动区域和时段，{w}明显减少")),
    Topic("违建", ("违建", "违章建筑", "违法建设", "私搭乱建"), ("zfj", "cgj", "zrzy"), ("zfj", "cgj"),
          ("有住户在楼顶加盖了两层{w}，邻居担心安全", "小区绿地被人圈占，盖起了{w}",
           "沿街门面私自向外扩建，这处{w}占了人行道", "一处{w}已经存在多年，几次举报都没有拆除"),
          ("综合执法部门下达了限期拆除通知书，{w}已经拆除", "联合执法组依法强制拆除了楼顶加盖部分",
           "将这处{w}纳入年度拆违计划，恢复了绿地")),
    Topic("占道经营", ("占道经营", "流动摊贩", "马路市场"), ("cgj", "zfj"), ("cgj", "zfj"),
          ("早晚高峰时段{w}堵住了半条马路", "学校门口的{w}卫生状况堪忧", "{w}的油烟和垃圾让周边居民很头疼"),
          ("城管部门设置了便民疏导点，{w}的摊贩已经入场经营", "加强了早晚巡查，路面秩序明显好转")),
    Topic("物业服务", ("物业", "物业服务", "物业费", "电梯故障"), ("fgj", "zjj"), ("zjj",),
          ("{w}公司收了钱却不管事，楼道里堆满杂物", "小区电梯频繁停运，{w}迟迟不修",
           "业主对{w}收费标准有异议"),
          ("房管部门约谈了{w}企业，限期整改", "物业公司更换了服务团队，电梯已经维修完毕")),
    Topic("垃圾清运", ("垃圾", "垃圾清运", "垃圾分类", "垃圾堆放"), ("cgj",), ("cgj",),
          ("小区门口的{w}几天没人清理，夏天气味难闻", "村头空地上{w}成山，污水横流"),
          ("环卫部门当天清理了{w}，并增加了清运频次", "街道落实了{w}责任人，设置了分类投放点")),
    Topic("油烟", ("油烟", "油烟扰民", "餐饮油烟", "露天烧烤"), ("hbj", "cgj"), ("hbfj", "cgj"),
          ("楼下饭店的{w}直接排进居民窗户", "夜市{w}持续到凌晨，烟雾弥漫"),
          ("责令餐饮店安装油烟净化设施并定期清洗", "取缔了占道{w}摊点")),
    Topic("渣土车", ("渣土车", "抛洒", "扬尘"), ("cgj", "hbj"), ("cgj",),
          ("夜间{w}沿路{w}，路面全是泥土", "工地出入口没有冲洗设施，{w}严重"),
          ("对违规运输车辆依法处罚，并约谈了运输企业", "工地安装了车辆冲洗设备和视频监控")),
    Topic("停车", ("停车", "停车难", "停车收费", "乱停车"), ("jjzd", "jtj"), ("cgj",),
          ("医院周边{w}问题突出，车辆排起长队", "小区门口{w}，消防通道被堵"),
          ("交警部门增设了临时停车泊位", "对占用消防通道的车辆依法处理，并施划了禁停标线")),
    Topic("积水", ("积水", "道路积水", "排水", "下水道堵塞"), ("swj", "cgj"), ("cgj",),
          ("一下雨路口就{w}，行人只能蹚水过", "小区{w}管网堵塞，污水冒到路面上"),
          ("水务部门疏通了{w}管网，更换了破损的雨水箅子", "对低洼路段进行了改造，{w}问题得到解决")),
    Topic("食品安全", ("食品安全", "过期食品", "无证经营"), ("scjg",), ("scjg",),
          ("超市货架上摆着{w}，日期已经过了两个月", "学校周边小店{w}，卫生条件很差"),
          ("市场监管部门对涉事超市立案调查，下架了问题商品", "对{w}的商户依法查处")),
    Topic("出租车", ("出租车", "出租车拒载", "绕路", "网约车"), ("jtj",), (),
          ("晚高峰在火车站打车，{w}现象严重", "乘客反映司机故意{w}多收费"),
          ("交通运输部门查实后对司机作出处罚并退还多收费用", "在火车站增派了现场调度人员")),
    Topic("燃气", ("燃气", "燃气安全", "天然气", "燃气管道"), ("szj", "cgj", "yjj"), ("cgj",),
          ("老旧小区的{w}锈蚀严重，居民担心泄漏", "饭店违规使用液化气罐，存在{w}隐患"),
          ("燃气企业更换了老化的{w}", "应急部门组织了{w}专项检查")),
    Topic("供水", ("停水", "供水", "水压低", "自来水发黄"), ("swj",), (),
          ("高层住户长期{w}，早晚用水高峰水龙头几乎没水", "连续几天{w}，没有任何通知"),
          ("水务部门更换了二次供水设备，{w}问题已经解决", "建立了停水提前公告制度")),
    Topic("入学", ("入学", "学区", "学区划分", "校外培训"), ("jyj",), (),
          ("孩子{w}遇到困难，户籍和房产证明对不上", "家长反映{w}方案公布太晚"),
          ("教育部门为符合条件的孩子安排了学位", "提前公布了{w}方案并开通咨询电话")),
    Topic("医保", ("医保", "医保报销", "看病难"), ("ybj", "wjw"), (),
          ("异地就医的{w}手续繁琐，老人跑了好几趟", "{w}材料被退回三次，没有说明理由"),
          ("医保部门简化了{w}流程，材料一次告知", "开通了线上办理渠道")),
    Topic("河道污染", ("河道污染", "黑臭水体", "偷排污水", "排污"), ("hbj", "swj"), ("hbfj",),
          ("小清河支流有企业{w}，河水发黑发臭", "村边河道里漂满垃圾，{w}严重"),
          ("环保部门查处了{w}企业，并对河道进行了清淤", "建立了河长巡河制度")),
]

# What happens in every case, whatever the problem; {dept} is a department's short name.
PROCESS = [
    "{who}通过12345热线反映了这个情况", "记者随后来到现场进行了核实", "周边居民说这个问题已经持续了较长时间",
    "{dept}接到转办后立即派员核查", "现场执法人员依法下达了整改通知书", "{dept}承诺限期整改到位",
    "{street}组织了联合执法", "整改情况将向社会公开", "回访时居民对处理结果表示满意",
    "仍有部分问题需要{dept}协调解决", "节目播出后引起了广泛关注", "{dept}分管负责同志现场答问",
    "{dept}表示将建立长效管理机制", "今后将加强日常巡查和源头治理", "督查组进行了回访核实",
    "群众反映的情况基本属实", "记者将继续关注后续进展", "{district}已将此事列为重点督办事项",
    "沿着{road}走访时，不少商户也有同样的反映", "{community}的居民委员会也多次向上反映",
    "{district}相关负责人表示，{n}天内给出处理意见", "涉及的{n}户居民已经签字确认",
    "{month}月份以来，类似的诉求已经有{n}件", "{dept}工作人员在{road}一带连续巡查了{n}次",
    "社区网格员第一时间上报了情况", "律师提醒，遇到类似情况要注意保留证据",
    "{street}的工作人员逐户走访，登记了居民的具体诉求", "有居民拍下照片和视频发到了问政平台",
    "这一问题涉及多个部门，职责边界需要进一步厘清", "{dept}已经成立工作专班，每周调度一次",
    "附近的商户和居民都希望问题能够彻底解决", "{community}的老旧设施急需更新改造",
    "{dept}把此事纳入了年度重点工作台账", "处理结果已在{dept}网站上公开", "市民可以继续通过热线反映后续情况",
    "{month}月底前完成全部整改任务", "主管部门约谈了相关企业负责人",
    "暗访视频在节目中播出后，现场观众一片哗然",
    "特邀监督员对整改措施提出了具体建议", "{district}纪委监委对相关责任人进行了问责",
]


DIGITS = "零一二三四五六七八九"
NUMBERS = [DIGITS[n] if n < 10 else
           f"{DIGITS[n // 10] if n >= 20 else ''}十{DIGITS[n % 10] if n % 10 else ''}"
           for n in range(100)]  # 三, 十二, 二十一: numbers as the text writes them


def han_count(value: str) -> int:
    return len(HAN.findall(value))


def departments() -> list[dict]:
    """The registry: city departments, districts with their units and street offices."""
    depts = []
    for did, name, short, aliases, domains in CITY:
        depts.append({"id": did, "name": name, "short": short, "level": "市直部门",
                      "domains": domains, "aliases": aliases})
    for did, district, streets in DISTRICTS:
        depts.append({"id": did, "name": f"济南市{district}人民政府", "short": district, "level": "区县",
                      "aliases": [f"{district}政府"]})
        for suffix, unit, short in DISTRICT_UNITS:
            depts.append({"id": f"{did}-{suffix}", "name": f"{district}{unit}", "short": f"{district}{short}",
                          "level": "区县部门", "parent": did})
        for s, street in enumerate(streets):
            depts.append({"id": f"{did}-s{s}", "name": f"{district}{street}办事处",
                          "short": street,
                          "level": "镇街", "parent": did})
    merged, until, successor = MERGED
    for dept in depts:
        if dept["id"] == merged:
            dept.update(until=until, successor=successor)
    return depts


@dataclass(frozen=True)
class Place:
    district: tuple[str, str, list[str]]  # one of DISTRICTS
    street: int
    road: str
    community: str

    @property
    def district_name(self) -> str:
        return self.district[1]

    @property
    def street_name(self) -> str:
        return self.district[2][self.street]

    @property
    def street_id(self) -> str:
        return f"{self.district[0]}-s{self.street}"

    def words(self) -> str:
        return f"{self.district_name}{self.street_name}{self.community}"


def place(rng: random.Random) -> Place:
    district = rng.choice(DISTRICTS)
    return Place(district, rng.randrange(len(district[2])), rng.choice(ROADS), rng.choice(COMMUNITIES))


class Writer:
    """Sentences about one case: its topic, its place and the departments that answer."""

    def __init__(self, rng: random.Random, topic: Topic, where: Place, dept_names: list[str]):
        self.rng, self.topic, self.where, self.dept_names = rng, topic, where, dept_names

        self.deck: list[str] = []

    def fill(self, template: str) -> str:
        rng, where = self.rng, self.where
        return template.format(w=rng.choice(self.topic.words), who=rng.choice(WHO),
                               dept=rng.choice(self.dept_names), district=where.district_name,
                               street=where.street_name, road=where.road, community=where.community,
                               n=NUMBERS[rng.randrange(2, 40)], month=NUMBERS[rng.randint(1, 12)])

    def draw(self) -> str:
        """The next template, all of them used once before any repeats, as real text varies."""
        if not self.deck:
            self.deck = [*self.topic.facts, *self.topic.fixes, *PROCESS]
            self.rng.shuffle(self.deck)
        return self.deck.pop()

    def opening(self) -> str:
        fact = self.fill(self.rng.choice(self.topic.facts))
        return self.fill(f"{{who}}反映，{self.where.words()}{fact}。")

    def sentence(self) -> str:
        parts = [self.fill(self.draw()) for _ in range(self.rng.randint(2, 3))]
        return "，".join(parts) + "。"


def body_of(writers: list[Writer], rng: random.Random, headings: list[str] | None = None) -> str:
    """600–1,200 Chinese characters: one section per writer (with a heading for sessions)."""
    low, high = BODY_CHARS
    longest = 80  # a sentence is shorter: each section may overshoot its share by one
    share = rng.randint(low, high - longest * len(writers)) // len(writers)
    sections = []
    for i, writer in enumerate(writers):
        paragraphs = [writer.opening()]
        while han_count("".join(paragraphs)) < share:
            paragraphs.append(writer.sentence())
            while rng.random() < 0.7 and han_count("".join(paragraphs)) < share:
                paragraphs[-1] += writer.sentence()
        heading = f"## {headings[i]}\n\n" if headings else ""
        sections.append(heading + "\n\n".join(paragraphs))
    body = "\n\n".join(sections)
    while han_count(body) < low:  # headings aside, the sections may fall a little short
        body += writers[-1].sentence()
    assert han_count(body) <= high, body
    return body + "\n"


def spread(rng: random.Random, year: int, n: int) -> list[date]:
    start = date(year, 1, 1)
    return sorted(start + timedelta(days=rng.randrange(365)) for _ in range(n))


def write_corpus(n: int, out: Path) -> None:
    rng = random.Random(n)
    jiandu, pelican = out / "jiandu/content", out / "pelican/content"
    for folder in (jiandu / "inquiry", jiandu / "column", pelican):
        folder.mkdir(parents=True, exist_ok=True)
    depts = departments()
    by_id = {d["id"]: d for d in depts}
    (jiandu / "departments.yml").write_text(yaml.safe_dump(depts, allow_unicode=True, sort_keys=False),
                                            encoding="utf-8")
    per_year = n // len(YEARS)
    for year in YEARS:
        inquiries = per_year // 5
        for number, day in enumerate(spread(rng, year, inquiries), 1):
            meta, body = _inquiry(rng, by_id, year, number, day)
            _write(jiandu / f"inquiry/{year}-{number:02d}.md", meta, body)
            _write_plain(pelican / f"inquiry-{year}-{number:02d}.md", meta["title"], day, body)
        for number, day in enumerate(spread(rng, year, per_year - inquiries), 1):
            meta, body = _entry(rng, by_id, year, number, day)
            _write(jiandu / f"column/{year}-{number:03d}.md", meta, body)
            _write_plain(pelican / f"column-{year}-{number:03d}.md", meta["title"], day, body)


def _answering(topic: Topic, where: Place, day: date, by_id: dict) -> list[str]:
    """Department ids that answer for `topic` at `where`: city departments or the district's units."""
    ids = [c for c in topic.city if _exists(by_id[c], day)]
    ids += [f"{where.district[0]}-{u}" for u in topic.units]
    return ids


def _exists(dept: dict, day: date) -> bool:
    return "until" not in dept or day.isoformat() <= dept["until"]


def _inquiry(rng, by_id, year, number, day) -> tuple[dict, str]:
    topics = rng.sample(TOPICS, SEGMENTS)
    segments, writers, headings = [], [], []
    for topic in topics:
        where = place(rng)
        dept = rng.choice(_answering(topic, where, day, by_id))
        heading = f"{where.district_name}{where.community}{rng.choice(topic.words)}问题"
        segments.append(_segment(rng, heading, dept, by_id, topic, day))
        writers.append(Writer(rng, topic, where, [by_id[dept]["short"], where.street_name]))
        headings.append(heading)
    title = f"{year}年第{number}期电视问政：{topics[0].words[0]}、{topics[1].words[0]}等五个问题"
    meta = {"title": title, "number": number, "date": day.isoformat(), "segments": segments}
    return meta, body_of(writers, rng, headings)


def _segment(rng, heading, dept, by_id, topic, day) -> dict:
    commitments = []
    for _ in range(rng.randint(0, 2)):
        status = rng.choice(COMMITMENT_STATUSES)
        due = day + timedelta(days=rng.randint(30, 400))
        c = {"text": f"限期解决{heading}并公开整改结果", "due": due.isoformat(), "status": status}
        if status == "已兑现":
            c["checked"] = (day + timedelta(days=rng.randint(20, 300))).isoformat()
        commitments.append(c)
    seg = {"topic": heading, "department": dept, "respondent": f"{by_id[dept]['short']}负责人"}
    return {**seg, "commitments": commitments} if commitments else seg


def _entry(rng, by_id, year, number, day) -> tuple[dict, str]:
    topic, where = rng.choice(TOPICS), place(rng)
    answering = _answering(topic, where, day, by_id)
    count = rng.choices([1, 2, 3], weights=[4, 3, 3])[0]
    others = [where.street_id, where.district[0], *answering]
    depts = list(dict.fromkeys([rng.choice(answering), *rng.sample(others, len(others))]))[:count]
    assert len(depts) <= MAX_DEPARTMENTS
    status = rng.choice(ENTRY_STATUSES)
    names = [by_id[d]["short"] for d in depts]
    outcome = rng.choice(["督促整改", "已经回复", "现场办理", "正在处理"])
    title = (f"{where.district_name}{where.community}{rng.choice(topic.words)}问题 {names[0]}{outcome}"
             f"（{year}-{number}）")  # unique, as Pelican makes its file names from titles
    meta = {"title": title, "number": number, "date": day.isoformat(), "departments": depts,
            "district": where.district[0], "category": topic.category, "source": rng.choice(SOURCES),
            "status": status}
    if status == "已办结":
        meta["resolved"] = (day + timedelta(days=rng.randint(1, 60))).isoformat()
    writer = Writer(rng, topic, where, [*names, where.street_name])
    return meta, body_of([writer], rng)


def _write(path: Path, meta: dict, body: str) -> None:
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def _write_plain(path: Path, title: str, day: date, body: str) -> None:
    path.write_text(f"Title: {title}\nDate: {day.isoformat()}\nCategory: 民生\n\n{body}", encoding="utf-8")


if __name__ == "__main__":
    write_corpus(int(sys.argv[1]), Path(sys.argv[2]))
