"""The two survey forms of the seed procedures, shipped as ready templates.

SEED_001 (顾客满意度控制程序, seed 001 §4.3–4.5): six sections I–VI with 5, 3, 5, 3, 2, 5 items; the score is
the sum of all items, 0–100; sections I–III are critical (a zero there raises an action). The seed gives
the formula, not the questions or their points: the questions follow the satisfaction elements of seed 000
§4.3.1 and the points are ours (sections I–II 5 points per item, III–VI 4 points per item: 25 + 15 + 20 + 12
+ 8 + 20 = 100).

SEED_002 (客户满意度调查表, seed 002 §5.2.3.3): seven items; items 1–3 scored 20/16/10/5, items 4–7 scored
10/8/5/2; total 100. Both exactly as printed on the form.
"""

from __future__ import annotations

FIVE = [{"label": "满意", "points": 5}, {"label": "较满意", "points": 4}, {"label": "一般", "points": 3},
        {"label": "不满意", "points": 1}, {"label": "很不满意", "points": 0}]
FOUR = [{"label": "满意", "points": 4}, {"label": "较满意", "points": 3}, {"label": "一般", "points": 2},
        {"label": "不满意", "points": 1}, {"label": "很不满意", "points": 0}]
TWENTY = [{"label": "20分（最佳）", "points": 20}, {"label": "16分（良好）", "points": 16},
          {"label": "10分（及格）", "points": 10}, {"label": "5分（不及格）", "points": 5}]
TEN = [{"label": "10分（最佳）", "points": 10}, {"label": "8分（良好）", "points": 8},
       {"label": "5分（及格）", "points": 5}, {"label": "2分（不及格）", "points": 2}]


def _section(title: str, critical: bool, options, questions: list[str]) -> dict:
    return {"title": title, "is_critical": critical,
            "items": [{"text": q, "options": options, "allow_comment": True} for q in questions]}


SEED_001 = {
    "code": "CS-001", "name": "顾客满意度调查表（六大项）",
    "introduction": "感谢贵公司一直以来的支持。请就本年度我司的产品与服务逐项评价，以便我们持续改进。",
    "sections": [
        _section("产品质量", True, FIVE, ["产品质量稳定性", "来料合格率", "外观与包装", "性能与参数符合性",
                                       "质量问题重复发生情况"]),
        _section("交付", True, FIVE, ["交货准时性", "交货数量准确性", "紧急订单响应"]),
        _section("服务", True, FOUR, ["服务态度", "问题响应速度", "投诉处理的及时性和有效性", "信息反馈",
                                    "工作效率"]),
        _section("价格与竞争力", False, FOUR, ["价格水平", "与同行相比的成本优势", "付款与结算配合"]),
        _section("技术", False, FOUR, ["技术支持能力", "新产品开发配合"]),
        _section("总体评价", False, FOUR, ["总体满意程度", "再次合作意愿", "向他人推荐的意愿",
                                       "与主要竞争对手相比", "企业形象与信誉"]),
    ],
}

# Design §11: thresholds belong to the template. Seed 001 §4.5.1 2): below 80 → corrective action (a zero in
# sections I–III too, through the critical sections). Seed 002 §5.2.3.3.3: below 85 → a meeting of quality,
# engineering and production, which then raises the actions; grades best = every indicator met, good 80 %,
# pass 60 % (seed 002's form).
BANDS_001 = [{"lower": "100", "grade": "best", "trigger": "none"}, {"lower": "80", "grade": "good", "trigger": "none"},
             {"lower": "60", "grade": "pass", "trigger": "action"}, {"lower": "0", "grade": "fail", "trigger": "action"}]
BANDS_002 = [{"lower": "100", "grade": "best", "trigger": "none"}, {"lower": "85", "grade": "good", "trigger": "none"},
             {"lower": "80", "grade": "good", "trigger": "meeting"},
             {"lower": "60", "grade": "pass", "trigger": "meeting"},
             {"lower": "0", "grade": "fail", "trigger": "meeting"}]
SEED_001["bands"] = BANDS_001

SEED_002 = {
    "code": "CS-002", "name": "客户满意度调查表（七项）",
    "introduction": "敝司与贵公司业务往来，非常重视贵公司的建议和意见。请帮忙填写并于两个工作日内回复，谢谢！",
    "sections": [
        _section("品质、交期与问题处理", False, TWENTY, ["产品质量状况", "交货及时状况", "处理问题的及时性和有效性"]),
        _section("数量、包装与人员", False, TEN, ["来料数量准确性", "包装箱外观整洁度", "跟单人员的配合度",
                                            "送货人员的表现"]),
    ],
    "bands": BANDS_002,
}

SEEDS = (SEED_001, SEED_002)
