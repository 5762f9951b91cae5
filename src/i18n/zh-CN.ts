/**
 * zh-CN catalog: the first language of gridflow. Every key here must exist in `en.ts` too
 * (a unit test compares them).
 */
export const zhCN = {
  level: { district: '区', street: '街道', community: '社区/村', grid: '网格' },
  priority: { urgent: '紧急', high: '高', normal: '一般', low: '低' },
  status: {
    assigned: '已派单',
    acknowledged: '已签收',
    in_progress: '处理中',
    waiting_info: '待补充信息',
    resolved: '已办结待确认',
    closed: '已关闭',
    cancelled: '已撤销',
  },
  event: {
    submitted: '提交',
    assigned: '派单',
    acknowledged: '签收',
    started: '开始办理',
    note: '备注',
    info_requested: '要求补充信息',
    info_provided: '已补充信息',
    resolved: '办结',
    escalated: '上报',
    overdue: '超期',
    warned: '时限提醒',
    reassigned: '改派',
    deadline_moved: '调整时限',
    cancelled: '撤销',
    closed: '关闭',
    auto_closed: '逾期未评价自动关闭',
    reopened: '重新办理',
  },
  actor: { resident: '居民', integration: '接入渠道', system: '系统', staff: '工作人员' },
  problem: {
    bad_request: '请求格式错误',
    validation: '请求内容无法处理',
    unauthorized: '未认证',
    forbidden: '无权操作',
    not_found: '未找到',
    conflict: '与当前状态冲突',
    payload_too_large: '请求体过大',
    unsupported_media_type: '不支持的内容类型',
    rate_limited: '请求过于频繁',
    unavailable: '服务暂不可用',
    internal: '服务器内部错误',
  },
  mail: {
    greeting: '{{name}}，您好：',
    footer: '此邮件由 gridflow 自动发送，请勿直接回复。',
    facts: {
      case: '工单编号',
      category: '类别',
      priority: '紧急程度',
      unit: '当前单位',
      level: '当前层级',
      dueAt: '办理时限',
      address: '地址',
      description: '诉求内容',
      history: '办理记录',
      link: '查看工单',
    },
    case_assigned: {
      subject: '【新工单】{{category}}（{{caseId}}）',
      body: '您有一件新的群众诉求需要办理，请及时签收并处理。',
    },
    case_warning: {
      subject: '【时限提醒】工单 {{caseId}} 已用去 {{percent}}% 办理时限',
      body: '该工单已用去 {{percent}}% 的办理时限，请在时限前办结，逾期将自动上报上一级。',
    },
    case_escalated: {
      subject: '【升级】工单 {{caseId}} 已上报至{{unit}}',
      body: '该工单在{{fromLevel}}未按时办结，已上报至{{unit}}，请您接办。原因：{{reason}}',
    },
    case_overdue: {
      subject: '【超期】工单 {{caseId}} 已超过最终办理时限',
      body: '该工单已逐级上报至区级且仍超过办理时限未办结，请立即督办。',
    },
    case_reassigned: {
      subject: '【改派】工单 {{caseId}} 已改派给您',
      body: '该工单已改派给您办理。说明：{{reason}}',
    },
    case_resolved: {
      subject: '您反映的问题已办结（{{caseId}}）',
      body: '您反映的问题已办结：{{note}}。如不满意，请在 {{confirmBy}} 前反馈，逾期视为满意。',
    },
    case_closed: {
      subject: '工单 {{caseId}} 已关闭',
      body: '工单已关闭，感谢您的参与。',
    },
  },
} as const;
