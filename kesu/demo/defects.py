"""Word lists for demo complaints: what customers of a machining and electronics group complain about.

Each defect is (category code, defect location, defect nature, description,
responsible department code, root cause, remedy). Descriptions take
``{part}`` (the part's name) and ``{qty}`` (the defective quantity).
All text is invented for the demo.
"""

from __future__ import annotations

DEFECTS = [
    ("appearance", "外表面", "划伤", "到货开箱检验发现{part}外表面有明显划伤，共 {qty} 件，划痕长 5–20 mm，影响外观。",
     "PROD", "周转过程中工件相互碰撞，周转箱缺少隔板。", "免费更换划伤件，周转箱加装隔板。"),
    ("appearance", "涂层", "漆膜起泡", "{part}涂层局部起泡、脱落，共 {qty} 件，客户装配前目检发现。",
     "PROD", "前处理磷化不彻底，烘干温度偏低。", "退回返工重新喷涂，运费由我司承担。"),
    ("appearance", "镀层", "锈蚀", "{part}到货后一周内出现锈点，共 {qty} 件，客户仓库湿度正常。",
     "PUR", "外协电镀层厚度不足（实测 4 μm，要求 ≥8 μm）。", "全部更换，外协厂按 8D 整改。"),
    ("appearance", "包装", "包装破损", "外箱破损、内包装受潮，{part}共 {qty} 件表面有水渍。",
     "PROD", "包装箱强度不够，物流途中受压。", "补发 {qty} 件，改用五层瓦楞纸箱。"),
    ("appearance", "铸件表面", "砂眼气孔", "{part}加工面发现砂眼、气孔，共 {qty} 件，客户试漏不合格。",
     "PUR", "铸造浇注温度控制不稳，外协厂未做 100% 外观检查。", "挑选更换，外协铸件增加 X 光抽检。"),
    ("model_quantity", "标识", "型号错发", "订单要求{part} B 型，实际到货为 A 型，共 {qty} 件。",
     "SALES", "内勤下单时型号录入错误，发货前未复核。", "补发正确型号，错发件退回。"),
    ("model_quantity", "数量", "数量短缺", "送货单数量与实收不符，{part}短少 {qty} 件。",
     "PROD", "装箱时计数错误，未执行称重复核。", "补发短缺数量，装箱增加称重核对。"),
    ("model_quantity", "标签", "标签错误", "{part}外箱标签批号与实物不一致，共 {qty} 件无法入库。",
     "PROD", "标签打印后未与实物核对。", "重新贴标，补发正确标签。"),
    ("model_quantity", "配件", "漏装配件", "{part}漏装密封圈和紧固螺栓，共 {qty} 套。",
     "PROD", "装配工位物料防错缺失。", "补发配件，装配线增加防错料盒。"),
    ("performance", "尺寸", "尺寸超差", "{part}关键尺寸超差，客户检测孔径偏大 0.03 mm，共 {qty} 件无法装配。",
     "PROD", "刀具磨损未及时补偿，首检记录不完整。", "挑选返修，加严首件和巡检频次。"),
    ("performance", "密封面", "渗漏", "{part}装机试验时密封面渗油，共 {qty} 件，客户要求分析原因。",
     "ENG", "密封面粗糙度设计要求偏松，Ra 1.6 不足以密封。", "更换并修改图纸要求 Ra 0.8。"),
    ("performance", "电气性能", "功能失效", "{part}上电后无输出，共 {qty} 块，客户产线停线 2 小时。",
     "ENG", "电源芯片批次性不良，来料未做老化筛选。", "更换全部同批次产品，增加老化测试。"),
    ("performance", "运转", "异响", "{part}运转时有异常噪声，客户整机测试噪声超标 3 dB，共 {qty} 台。",
     "ENG", "齿面修形参数不当，啮合冲击偏大。", "更换改进件，修改齿形参数。"),
    ("performance", "硬度", "硬度不足", "{part}表面硬度实测 HRC 48，低于图纸要求 HRC 55–60，共 {qty} 件。",
     "PUR", "外协热处理炉温偏低，未随炉附试块。", "退回重新热处理，外协厂整改。"),
    ("performance", "焊点", "虚焊", "{part}焊点虚焊导致接触不良，客户路试中出现故障，共 {qty} 块。",
     "PROD", "回流焊温度曲线漂移，AOI 漏检。", "更换故障件，重新确认回流焊温度曲线。"),
    ("performance", "材质", "断裂", "{part}在客户台架试验中断裂，共 {qty} 件，断口有夹杂。",
     "QA", "原材料夹杂物超标，进料检验未做金相。", "全部召回更换，原材料增加金相抽检。"),
    ("performance", "传感信号", "信号漂移", "{part}输出信号漂移超过 ±2%，共 {qty} 只，客户要求退货。",
     "ENG", "温度补偿算法在低温段失效。", "升级程序并更换已装车件。"),
    ("performance", "扭矩", "紧固力矩不足", "{part}螺栓紧固力矩不足，客户拆检松动 {qty} 处。",
     "PROD", "电动扳手未按时校准。", "派员上门复紧，扳手纳入周期校准。"),
]

# The defect type (second level of the category tree, issue 18 §11) each defect nature above is filed under.
DEFECT_TYPE_BY_NATURE = {
    "划伤": "scratch", "漆膜起泡": "paint", "锈蚀": "paint", "包装破损": "deformation", "砂眼气孔": "dent",
    "型号错发": "wrong_model", "数量短缺": "missing_part", "标签错误": "wrong_model", "漏装配件": "missing_part",
    "尺寸超差": "parameter", "渗漏": "function", "功能失效": "function", "异响": "parameter", "硬度不足": "parameter",
    "虚焊": "function", "断裂": "function", "信号漂移": "parameter", "紧固力矩不足": "parameter",
}

# Why QA set a complaint's priority by hand (1 urgent … 4 low), issue 18 §11.
PRIORITY_REASONS = {
    1: "客户整车厂面临停线风险，要求 24 小时内给出临时措施。",
    4: "客户已将该批次全部挑选使用，同意延后至月底统一处理。",
}

QA_OPINIONS = [
    "初步判断为批次性问题，需隔离在库及在途产品。",
    "从不良样件看为个别现象，需对同批次进行抽检确认。",
    "问题与上月同类投诉相似，建议成立临时小组分析。",
    "不良与工艺变更时间吻合，需调取变更记录。",
]
DEPARTMENT_ANSWERS = [
    "已完成原因分析，临时措施为全检，永久措施两周内完成。",
    "已隔离库存 200 件，全检未发现同类问题。",
    "已调整工艺参数并完成首件确认。",
]
CUSTOMER_REJECTION_REASONS = [
    "客户不同意返修，要求整批退货。",
    "客户要求承担其停线损失。",
    "客户认为更换周期太长，要求三天内到货。",
]
EXPLANATIONS = [
    ("customer", "经检测，不良原因为客户安装时未按说明书要求使用专用工装，造成变形。",
     "检测报告及安装现场照片"),
    ("customer", "经分析为客户使用超出额定工况（压力超过额定值 30%）所致。", "失效分析报告、工况记录"),
    ("supplier", "不良件为客户指定供应商提供的配套件，非我司加工范围。", "采购合同及来料检验记录"),
]
CANCEL_NOTES = ["客户复查后确认为其自身仓储问题，撤回投诉。", "客户来电撤回，称已自行处理。"]
REJECT_NOTES = ["经核对批号，非我司产品。", "客户提供的零件号不属于我司供货范围。"]
CLOSING_NOTES = ["客户确认处理结果满意。", "已完成更换，客户签收确认。", "客户回函确认关闭。"]
MEETING_CONCLUSIONS = "会议确认问题属批次性质量问题，由生产部牵头分析原因，技术部配合验证。"
MEETING_ACTIONS = "1. 隔离在库产品；2. 三日内提交原因分析；3. 品质部跟踪验证。"
