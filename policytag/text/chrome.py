"""Recognise web-page chrome lines (navigation, counters, credits) in scraped reports."""

from __future__ import annotations

import re

_NAV_WORDS = r"(?:打印|分享|返回列表|返回顶部|关闭窗口|关闭|收藏|打印本页|【打印】|【关闭】)"

_CHROME_PATTERNS = [
    re.compile(r"^(?:您)?当前(?:的)?位置"),  # breadcrumbs
    re.compile(r"【\s*字体"),
    re.compile(r"字体\s*[:：]\s*[大中小]"),
    re.compile(r"文字大小\s*[:：]?"),
    re.compile(rf"^{_NAV_WORDS}(?:\s*{_NAV_WORDS})*$"),
    re.compile(r"扫一扫在手机"),
    re.compile(r"^相关附件\s*[:：]?\s*$"),
    re.compile(r"^附件\s*[:：]\s*$"),
    re.compile(r"(?:访问量|浏览量|浏览次数|阅读量|点击量|点击数)\s*[:：]"),
    re.compile(r"^(?:发布)?(?:时间|日期)\s*[:：]\s*\d{4}"),
    re.compile(r"^来源\s*[:：]"),
    re.compile(r"^(?:责任)?编辑\s*[:：]"),
    # photo credit; the separator has one way to match (\s*[、\s]\s* backtracked exponentially over spaces)
    re.compile(r"^[\u4e00-\u9fff·]{2,4}(?:(?:\s*、\s*|\s+)[\u4e00-\u9fff·]{2,4})*\s*/?\s*摄$"),
    # byline
    re.compile(r"^[►▶■●]?\s*(?:[\u4e00-\u9fff]{2,4}\s+)*(?:本报|本台)?(?:记者|通讯员)\s*[\u4e00-\u9fff\s]{2,20}$"),
    # a date (and time) alone
    re.compile(r"^\d{4}\s*[年-]\s*\d{1,2}\s*[月-]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"),
]

PHOTO_CREDIT = _CHROME_PATTERNS[12]

# Government templates, matched on the line without its spaces (索 引 号 → 索引号).
# The 政府信息公开 metadata table: one of these keys anywhere in a short line.
_METADATA_KEYS = re.compile(r"索引号|发布机构|成文日期|主题分类|公开方式|组配分类|公开范围|发文日期|发文机关"
                            r"|生成日期|公开日期"
                            r"|上载日期|效力状态|有效性[:：|]|体裁分类|文件编号[:：|]")
# Breadcrumbs (首页/ 政务公开 /…/ 正文, 首页 > 工作报告) and navigation bars (首页 | 政务公开 | …).
_BREADCRUMB = re.compile(r"^(?:首页|网站首页|主页)\s*(?:[/>»›＞|｜\[\]]|$)|[/>»›＞]\s*正文$|^[>»›＞].*[>»›＞]")
_NAV_SEPARATORS = re.compile(r"\s*[|｜]\s*")
_NAV_WORDS_SITE = re.compile(r"^(?:English|ENGLISH|无障碍(?:浏览|版)?|长者(?:专区|助手|模式)|登录|注册|智能问答|"
                             r"网站地图|繁体|繁體|简体|"
                             r"设为首页|收藏本站|加入收藏|手机版|移动版|微信|微博|RSS|搜索|导航菜单|English Version)$")
# Footers and the disclaimers and widgets of document-sharing and news sites.
_FOOTER = re.compile(r"ICP(?:备|证)|公网安备|网安备|技术支持\s*[:：]|^主办(?:单位)?\s*[:：]|承办(?:单位)?\s*[:：]|"
                     r"版权所有|"
                     r"[Cc]opy[Rr]ight|©|网站标识码|网站地图\s*[|｜]|联系我们\s*[|｜]|豁免条款|免责声明|"
                     r"申明敬告|本文档由用户上传|当前文档由用户上传|本站不保证|版权争议|侵权投诉|如侵权请联系|网站客服|"
                     r"温馨提示[:：]?$|下载前请仔细阅读|VIP专享|VIP专免|VIP免费|预览结束|免费获取全文|收益归属|"
                     r"本站部分文字内容|到电脑桌面|PPT动画|查看预览时|请放心下载|经营许可证|视听节目许可证|^欢迎(?:光临|访问|来到)|"
                     r"^[(（]?(?:相关)?资料图[)）]?$|\b\d+(?:\.\d+)?\s*[KM]B\b|^名\s+称|^名称[:：|]|"
                     r"安装后可以在桌面|^电脑桌面$|文档页数|^- (?:格式|大小)[:：]|"
                     r"^\d+(?:\.\d+)?\s*KB\b|展开详细$|^\[?收起\]?|^\[展开\]|正文复制$|本篇文章\d+字|读完约\d+分钟|"
                     r"全文共\d+字|请认真阅读下面的提示|点击在线收听|查看更多评论|^推荐阅读$|条评论$|"
                     r"转载请|原创文章|小编为大家|^(?:[一二三]审|审核|校对|作者|责任编辑|编辑|发布人|发布者|人气|字号)\s*[:：\s]|"
                     r"人气[:：]\s*\d|(?:查看|阅读)(?:人数|次数)?[:：]\s*\d|^(?:标题|地址|网址|原文链接)\s*[:：]|"
                     r"^https?://|\[纠错\]|分享到$|^[•·]\s*(?:来源|分享|\d{4}-\d{2}-\d{2})|"
                     r"^(?:发布|更新)?时间\s*[:：]\s*\d|^信息来源\s*[:：]|设为首页|收藏本站|复制链接|阅读模式|显示全部楼层|"
                     r"^查看[:：]\s*\d|^签到天数|^\[LV\.\d+\]|^Rank[:：]|^积分\s*\d*$|^主题$|^帖子$|^版主$|"
                     r"^TA的每日心情|^发表于\s*\d{4}|^\d+/\d+$|^官网原文|^筛选地域$|^一级目录$|^报告年份$|^注册\s*[|｜]\s*登录$")


def _is_nav_bar(compact: str, line: str) -> bool:
    """A bar of short link texts: 首页 | 政务公开 | 网上办事, or 中国政府网 English 无障碍 登录."""
    if compact.startswith(("首页", "网站首页")) and len(line.split()) >= 3:
        return True
    parts = [p for p in _NAV_SEPARATORS.split(line) if p]
    if len(parts) >= 3 and all(len(p) <= 12 for p in parts):
        return True
    tokens = line.split()
    return (len(tokens) >= 3 and all(len(t) <= 12 for t in tokens) and any(_NAV_WORDS_SITE.match(t) for t in tokens)
            and not any(c in "。，；" for c in compact))


def is_chrome(line: str) -> bool:
    """True when a stripped line is page chrome rather than report text."""
    if len(line) > 160:
        return False
    compact = re.sub(r"\s+", "", line)
    if len(compact) <= 120 and (_METADATA_KEYS.search(compact) or _BREADCRUMB.search(compact)):
        return True
    if _FOOTER.search(line) or _FOOTER.search(compact) or _is_nav_bar(compact, line):
        return True
    return any(p.search(line) for p in _CHROME_PATTERNS)


def is_photo_credit(line: str) -> bool:
    return bool(PHOTO_CREDIT.search(line))
