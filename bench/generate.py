"""Deterministic synthetic corpus in Jiandu's real format, plus the same bodies for plain Pelican.

    python bench/generate.py N OUT        # writes OUT/jiandu/content and OUT/pelican/content
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

import yaml

YEARS = range(2012, 2022)  # ten years
DISTRICTS = """历下区 市中区 槐荫区 天桥区 历城区 长清区 章丘区 济阳区 莱芜区 钢城区
    平阴县 商河县""".split()
CITY = """城市管理局 交通运输局 住房和城乡建设局 生态环境局 市场监督管理局 人力资源和社会保障局
    自然资源和规划局 公安局交通警察支队 水务局 园林和林业绿化局 卫生健康委员会 教育局 文化和旅游局
    应急管理局 农业农村局 商务局 民政局 城乡水务局 住房保障和房产管理局 综合行政执法局""".split()
DISTRICT_UNITS = "城市管理局 市场监管综合执法大队 农业综合执法大队 住房和城乡建设局 综合行政执法局".split()
STREETS = "振兴街 道德街 泉城路 姚家 六里山 北园 洪家楼 许商 玉皇庙 文化东路".split()
TOPICS = """占道经营 夜间施工噪音 违法建设 物业服务 冬季供暖不热 拖欠农民工工资 渣土车抛洒 油烟扰民
    小区垃圾清运 违规广告牌 食品安全 河道污染 出租车拒载 停车收费 燃气安全""".split()
PHRASES = """市民通过12345热线反映 记者多次暗访发现 问题已经持续了较长时间 周边居民出行受到明显影响
    相关部门接到转办后立即派员核查 现场执法人员依法下达整改通知书 责任单位承诺限期整改到位
    街道办事处组织联合执法 整改情况将向社会公开 居民对处理结果表示满意 仍有部分问题需要协调解决
    节目播出后引起广泛关注 分管负责同志现场答问 建立长效管理机制 加强日常巡查和源头治理
    将案件纳入重点督办 督查组进行了回访核实 群众反映的情况基本属实 依法对当事人作出行政处罚
    施工单位调整了作业时间 物业公司更换了服务团队 供热单位对管网进行了排查 工资已经足额发放到位""".split()
STATUSES = ["已兑现", "已兑现", "推进中", "未启动"]


def text(rng: random.Random, low: int = 300, high: int = 800) -> str:
    target, parts = rng.randint(low, high), []
    while sum(map(len, parts)) < target:
        sentence = "，".join(rng.sample(PHRASES, rng.randint(2, 4))) + "。"
        parts.append(sentence)
        if rng.random() < 0.25:
            parts.append("\n\n")
    return "".join(parts).strip() + "\n"


def departments() -> list[dict]:
    depts = [{"id": f"c{i:02d}", "name": f"济南市{name}", "level": "市直部门"} for i, name in enumerate(CITY)]
    for d, district in enumerate(DISTRICTS):
        depts.append({"id": f"d{d:02d}", "name": f"{district}人民政府", "short": district, "level": "区县"})
        for u, unit in enumerate(DISTRICT_UNITS):
            depts.append({"id": f"d{d:02d}-u{u}", "name": f"{district}{unit}", "level": "区县部门",
                          "parent": f"d{d:02d}"})
        for s, street in enumerate(STREETS[:3]):
            depts.append({"id": f"d{d:02d}-s{s}", "name": f"{district}{street}街道办事处", "level": "镇街",
                          "parent": f"d{d:02d}"})
    depts[-1].update(until="2016-06-30", successor=depts[-2]["id"])
    return depts


def spread(rng: random.Random, year: int, n: int) -> list[date]:
    start = date(year, 1, 1)
    return sorted(start + timedelta(days=rng.randrange(365)) for _ in range(n))


def write_corpus(n: int, out: Path) -> None:
    rng = random.Random(n)
    jiandu, pelican = out / "jiandu/content", out / "pelican/content"
    for folder in (jiandu / "inquiry", jiandu / "column", pelican):
        folder.mkdir(parents=True, exist_ok=True)
    depts = departments()
    ids = [d["id"] for d in depts]
    (jiandu / "departments.yml").write_text(yaml.safe_dump(depts, allow_unicode=True, sort_keys=False),
                                            encoding="utf-8")
    per_year = n // len(YEARS)
    for year in YEARS:
        inquiries = per_year // 5
        for number, day in enumerate(spread(rng, year, inquiries), 1):
            segs = [_segment(rng, ids, day) for _ in range(rng.randint(2, 3))]
            meta = {"title": f"{year}年第{number}期电视问政：{segs[0]['topic']}", "number": number,
                    "date": day.isoformat(), "segments": segs}
            body = text(rng)
            _write(jiandu / f"inquiry/{year}-{number:02d}.md", meta, body)
            _write_plain(pelican / f"inquiry-{year}-{number:02d}.md", meta["title"], day, body)
        for number, day in enumerate(spread(rng, year, per_year - inquiries), 1):
            meta = _entry(rng, ids, year, number, day)
            body = text(rng)
            _write(jiandu / f"column/{year}-{number:03d}.md", meta, body)
            _write_plain(pelican / f"column-{year}-{number:03d}.md", meta["title"], day, body)


def _segment(rng, ids, day) -> dict:
    topic = rng.choice(TOPICS)
    commitments = []
    for _ in range(rng.randint(0, 2)):
        status = rng.choice(STATUSES)
        due = day + timedelta(days=rng.randint(30, 400))
        c = {"text": f"限期解决{topic}问题并公开整改结果", "due": due.isoformat(), "status": status}
        if status == "已兑现":
            c["checked"] = (day + timedelta(days=rng.randint(20, 300))).isoformat()
        commitments.append(c)
    seg = {"topic": f"{topic}问题", "department": rng.choice(ids), "respondent": "部门主要负责人"}
    return {**seg, "commitments": commitments} if commitments else seg


def _entry(rng, ids, year, number, day) -> dict:
    topic = rng.choice(TOPICS)
    status = rng.choice(["已办结", "已办结", "已办结", "办理中", "已受理"])
    meta = {"title": f"{topic}：一位市民的求助有了回音（{year}-{number}）", "number": number,
            "date": day.isoformat(), "departments": rng.sample(ids, rng.randint(1, 2)),
            "category": topic, "source": rng.choice(["12345热线", "读者来信", "网络留言"]), "status": status}
    if status == "已办结":
        meta["resolved"] = (day + timedelta(days=rng.randint(1, 60))).isoformat()
    return meta


def _write(path: Path, meta: dict, body: str) -> None:
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def _write_plain(path: Path, title: str, day: date, body: str) -> None:
    path.write_text(f"Title: {title}\nDate: {day.isoformat()}\nCategory: 民生\n\n{body}", encoding="utf-8")


if __name__ == "__main__":
    write_corpus(int(sys.argv[1]), Path(sys.argv[2]))
