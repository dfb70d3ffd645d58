"""The triage's phrase tables: what a subject or a text says (``mailflow.triage`` reads them).

``SUBJECT`` scores a subject and ``TEXT`` a message's own words, by family
(``receipt``, ``pitch``, ``meet``, ``total`` ...); each rule is an anchor word
with what must come before or after it (``mailflow.phrases``). The
fragments (``WHEN``, ``MONEY`` ...) are shared with the classifier's own patterns.
"""

from __future__ import annotations

from .phrases import Phrases

__all__ = ["MONTH", "PITCH_THRESHOLD", "SUBJECT", "TEXT"]

PITCH_THRESHOLD = 3  # the points a text needs to read as a sales pitch (one fewer from a first-time sender)

_WEEKDAYS = (
    "monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays fridays "
    "tue tues wed thu thur thurs fri montag dienstag mittwoch donnerstag freitag samstag sonntag "
    "lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles miercoles jueves viernes sábado"
)
_WEEKDAY = "(?:" + "|".join(_WEEKDAYS.split()) + ")"
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_WHEN = (
    r"(?:" + _WEEKDAY + r"|tomorrow|today|tonight|morning|afternoon|evening|next week|this week|"
    r"\d{1,2}(?::\d{2})?\s?(?:am|pm)|\d{1,2}:\d{2})"
)
_CURRENCY = r"(?:[$€£¥₹]|\b(?:usd|eur|gbp|cad|aud|chf|jpy|inr|sek|nok|dkk|nzd|sgd|hkd|mxn|brl|zar)\b|\b(?:us|c|a|r)\$)"
_AMOUNT = r"\d[\d,.']*"
_MONEY = r"(?:" + _CURRENCY + r"[)\]:\s]{0,4}" + _AMOUNT + r"|" + _AMOUNT + r"\s?" + _CURRENCY + r")"
_PEOPLE = (
    "companies businesses teams brands firms agencies startups organizations organisations leaders founders "
    "executives ceos cfos ctos marketers retailers clinics practices"
)
_OFFERINGS = (
    "platform platforms solution solutions software tool tools product products service services agency app apps "
    "technology offering"
)
_CAN_WE = r"\b(?:can|could|shall|should|may|might) we (?:[\w']+ ){0,2}?"

# -- subject phrases ------------------------------------------------------------------

SUBJECT = Phrases()
MONTH = "(?:" + "|".join(_MONTHS.split()) + ")"
_SUBJECT_START = r"^\s*(?:fwd?:\s*|fw:\s*)?"

# A receipt's subject.
SUBJECT.rule(
    "receipt",
    1,
    "receipt invoice inv bill rechnung facture factura fattura quittung reçu recibo",
    r"\s*(?:#|no\.?|nr\.?|n°|number|num\.?)\s*:?\s*[a-z]{0,4}[-_/]?\d",
)
SUBJECT.rule("receipt", 1, "receipt", before=r"\byour\b[^:]{0,40}")
SUBJECT.rule("receipt", 1, "receipt", r" (?:for|from)\b")
SUBJECT.rule(
    "receipt",
    1,
    "receipt",
    before=_SUBJECT_START + r"(?:here'?s |here is )?(?:the |a |my |your )?(?:[\w.&'-]+ ){0,3}",
)
SUBJECT.rule(
    "receipt",
    1,
    "invoice",
    r"\s*(?:$|[#:(\[\-–]|\d|[a-z]{1,4}[-_/]?\d|(?:for|from|no|number|nr|ref|attached|enclosed|is|due|reminder|"
    r"available|ready)\b)",
    before=_SUBJECT_START + r"(?:your |new |the |a |an |monthly |final |tax |proforma |pro forma )?",
)
SUBJECT.rule(
    "receipt",
    1,
    "invoice",
    r" (?:\d|from|for|attached|enclosed|is (?:available|ready|due|overdue)|due|reminder|available)",
)
SUBJECT.rule(
    "receipt", 1, "invoice", before=r"\b(?:overdue|unpaid|outstanding|past due|updated|corrected|revised|your) "
)
SUBJECT.rule(
    "receipt",
    1,
    "payment",
    r" (?:received|receipt|confirmation|confirmed|successful|processed|complete|accepted|thank you)\b",
)
SUBJECT.rule(
    "receipt",
    1,
    "payment order purchase donation",
    before=r"\b(?:we(?:'ve| have)? received|thanks? (?:you )?for) your ",
)
SUBJECT.rule("receipt", 1, "shopping purchasing", before=r"\bthanks? (?:you )?for (?:your )?")
SUBJECT.rule("receipt", 1, "order", r" (?:confirmation|confirmed|receipt|placed|received|summary)\b")
SUBJECT.rule("receipt", 1, "order", r"\s*#?\s*[\w-]*\d[\w-]*\s+(?:is |has been )?(?:confirmed|placed|received)\b")
SUBJECT.rule(
    "receipt",
    1,
    "order",
    r" (?:is confirmed|has been (?:placed|received|confirmed)|of\b|from\b)",
    before=r"\byour (?:\S+ ){0,3}",
)
SUBJECT.rule("receipt", 1, "purchase subscription renewal donation", r" (?:confirmation|confirmed|receipt)\b")
SUBJECT.rule("receipt", 1, "subscription membership plan", r" (?:renewed|has been renewed|payment)\b")
SUBJECT.rule("receipt", 1, "refund credit", r" (?:processed|issued|confirmation|receipt)\b")
SUBJECT.rule("receipt", 1, "charged billed", before=r"\byou(?:'ve| have) been ")
SUBJECT.rule(
    "receipt", 1, "statement", before=r"\b(?:billing|account|monthly|quarterly|annual|card|credit card|" + MONTH + ") "
)
SUBJECT.rule("receipt", 1, "statement bill", r" (?:is )?(?:ready|available)\b")
SUBJECT.rule("receipt", 1, "bill", r"(?! of\b)", before=r"\byour (?:\S+ ){0,3}")
SUBJECT.rule(
    "receipt",
    1,
    "rechnung facture factura quittung bestellbestätigung buchungsbestätigung zahlungsbestätigung zahlungseingang",
)
SUBJECT.rule("receipt", 1, "confirmation", r" de (?:commande|paiement)\b")
SUBJECT.rule("receipt", 1, "reçu", before=r"\bvotre (?:\S+ )?")
SUBJECT.rule("receipt", 1, "reçu", r" de paiement\b")
SUBJECT.rule("receipt", 1, "confirmación", r" de (?:pedido|pago|compra)\b")
SUBJECT.rule("receipt", 1, "recibo", before=r"\b(?:su|tu) ")
SUBJECT.rule("receipt", 1, "recibo", r" de (?:pago|compra)\b")
# A shipping notice or a failed payment: about an order or a payment, but no record of one.
SUBJECT.rule(
    "shipping",
    1,
    "shipped dispatched arriving transit failed declined unsuccessful expires expired expiring versandt verschickt "
    "enviado expédié expédiée",
)
SUBJECT.rule("shipping", 1, "delivered delivery", before=r"\b(?:been |was |is |out for |for )")
SUBJECT.rule("shipping", 1, "way", before=r"\bon (?:its|the) ")
SUBJECT.rule("shipping", 1, "track tracking", r" (?:your|number|info)")
SUBJECT.rule("shipping", 1, "processed", before=r"\bcould not be ")
SUBJECT.rule("shipping", 1, "problem", r" with\b")
SUBJECT.rule("shipping", 1, "update", r" your (?:payment|card|billing)")
# A list mail's subject that may be a transaction's (only then is its text read for a total).
SUBJECT.rule(
    "transaction",
    1,
    "order orders trip ride purchase payment paid subscription renewal renewed booking reservation charge charged "
    "donation transaction billing bill statement invoice receipt refund ticket tickets folio parking rental "
    "itinerary stay",
)
# A subject only machines write: a code, a password reset, a delivery, a failed payment.
SUBJECT.rule(
    "machine", 1, "code passcode", before=r"\b(?:your|verification|security|login|sign-in|one-time|confirmation) "
)
SUBJECT.rule("machine", 1, "code", r" is\s*:?\s*\d")
SUBJECT.rule("machine", 1, "password", before=r"\b(?:reset|change|changed|new|forgot|forgotten|your) (?:your )?")
SUBJECT.rule("machine", 1, "reset", r" your password\b")
SUBJECT.rule("machine", 1, "alert", before=r"\bsecurity ")
SUBJECT.rule("machine", 1, "login signin", before=r"\bnew ")
SUBJECT.rule("machine", 1, "sign", r"[- ]in\b", before=r"\bnew ")
SUBJECT.rule("machine", 1, "shipped delivered dispatched", before=r"\b(?:has |have |was |been |is |were )")
SUBJECT.rule("machine", 1, "delivery", before=r"\bout for ")
SUBJECT.rule("machine", 1, "way", before=r"\b(?:package|parcel|order|shipment|delivery|it) is on (?:its|the) ")
SUBJECT.rule(
    "machine", 1, "failed declined unsuccessful", before=r"\b(?:payment|charge|card|transaction)(?: has| was)? "
)
SUBJECT.rule("machine", 1, "update", r" your (?:payment|card|billing) (?:method|details|information|info)")
SUBJECT.rule("machine", 1, "voted responded", r" (?:on|to) ['\"“]")
SUBJECT.rule(
    "machine",
    1,
    "failed passed succeeded fixed broken",
    before=r"\b(?:build|pipeline|job|run|deploy|deployment|tests?|check|workflow)\b[^:]{0,30}",
)
SUBJECT.rule(
    "machine",
    1,
    "approved rejected submitted",
    before=r"\b(?:request|report|expense|application|timesheet|leave|claim)s? (?:was|were|has been|have been) ",
)
SUBJECT.rule("machine", 1, "voicemail fax", before=r"\bnew ")
# A meeting request in a subject alone ("coffee next week?", "Meeting request", "Reschedule").
SUBJECT.rule(
    "request",
    1,
    "coffee lunch call chat catch meeting meet sync drink drinks dinner breakfast zoom",
    r"[^\n]{0,40}\?\s*$",
    before=r"^\s*(?:re:\s*)*(?:quick |a )?",
)
SUBJECT.rule("request", 1, "request", before=r"\b(?:meeting|call) ")
SUBJECT.rule(
    "request",
    1,
    "coffee lunch call meeting sync catchup chat drinks dinner breakfast",
    r" (?:next week|this week|tomorrow|today|tonight|on " + _WEEKDAY + r"|" + _WEEKDAY + r"|at \d)",
)
SUBJECT.rule("request", 1, "request", r" (?:for|to) (?:a )?(?:meet|meeting|call)\b")
SUBJECT.rule("request", 1, "scheduling reschedule rescheduling rescheduled")
SUBJECT.rule("request", 1, "availability", before=r"\b(?:your|my) ")
SUBJECT.rule("request", 1, "availability", r" (?:for|next|this)\b")

# -- text phrases -------------------------------------------------------------------

TEXT = Phrases({"pitch": PITCH_THRESHOLD, "lexicon": 2})

# Cold outreach: 3 = decisive alone, 2 = strong, 1 = weak; a pitch scores 3 or more.
TEXT.rule("pitch", 3, _PEOPLE, r" (?:just )?(?:like|such as) (?:yours|your|you)\b")
TEXT.rule(
    "pitch",
    3,
    _OFFERINGS,
    r" (?:helps?|allows?|enables?|lets?|can help|is helping|has helped|have helped|empowers?|makes it easy)\b",
    before=r"\b(?:our|my)(?: [\w-]+)? ",
)
TEXT.rule(
    "pitch",
    3,
    _PEOPLE + " b2b saas",
    before=r"\b(?:we|i)(?:'ve| have)? (?:help(?:ed)?|work(?:ed)? with|partner(?:ed)? with) (?:\d[\d,+]* |over \d+ |"
    r"hundreds of |dozens of |many |other |leading |b2b |saas )*",
)
TEXT.rule("pitch", 3, "minutes mins", r" of your (?:time|day|week)\b")
TEXT.rule(
    "pitch",
    3,
    "book grab schedule pick",
    r" (?:a |some )?(?:time|slot|call|meeting|demo)\b[^.\n]{0,20}\b(?:with me|on my calendar|in my calendar|"
    r"from my calendar|using (?:this|my) link|here\b)",
)
TEXT.rule(
    "pitch",
    3,
    "following follow",
    r" up on my (?:last|previous|earlier|prior|first) (?:email|e-mail|note|message|mail)",
)
TEXT.rule("pitch", 3, "circling", r" back (?:on|to) my (?:last |previous )?(?:email|e-mail|note|message)")
TEXT.rule("pitch", 3, "bumping floating", r" (?:this|my (?:email|note|message))(?: back)? (?:up|to the top)\b")
TEXT.rule(
    "pitch",
    3,
    "email note message mail emails notes messages",
    before=r"\b(?:did you|if you|in case you|you may have) (?:get|see|saw|receive|received|missed|have a chance to "
    r"(?:read|look at|review)) my (?:last |previous |earlier |other )?(?:e-)?",
)
TEXT.rule("pitch", 2, "heard", r" back\b", before=r"\b(?:haven't|have not|hasn't|didn't|not) ")
TEXT.rule("pitch", 2, "timing", r" (?:isn't|is not|wasn't|might not be) (?:right|good)\b")
TEXT.rule("pitch", 2, "someone", r" else (?:on|at|in|from) your (?:team|company|side)\b")
TEXT.rule(
    "pitch",
    3,
    "demo",
    before=r"\b(?:schedule|book|see|get|request|arrange|set up|offer you|give you|open to) (?:a |an |your )?"
    r"(?:quick |short |free |personali[sz]ed |live |custom |\d+[- ]minute )?",
)
TEXT.rule("pitch", 3, "trial audit consultation assessment pilot", before=r"\bfree ")
TEXT.rule("pitch", 3, "right", r" person\b", before=r"\b(?:not|to|who is|who's|who would be) the ")
TEXT.rule("pitch", 3, "responsible", r" for\b", before=r"\bwho(?:'s| is| would be) ")
TEXT.rule("pitch", 3, "unsubscribe unsubscribing optout")
TEXT.rule("pitch", 3, "opt", r"[- ]out\b")
TEXT.rule("pitch", 3, "rather", r" not (?:to )?(?:hear|receive|get)\b")
TEXT.rule("pitch", 3, "reply", r" (?:with )?[\"'“]?(?:stop|remove|no thanks|unsubscribe)\b")
TEXT.rule("pitch", 3, "interested", r"\?? (?:just )?(?:let me know|reply|tell me)\b", before=r"\bnot ")
TEXT.rule(
    "pitch",
    2,
    "came come stumbled ran",
    r" (?:across|upon) (?:your|you\b|[\w.&'-]+(?: [\w.&'-]+)? (?:on|while|in|at|through|via)\b)",
)
TEXT.rule("pitch", 2, "love", r" to (?:show|share|walk|give|offer|demo)\b", before=r"\bi(?:'d| would) ")
TEXT.rule("pitch", 2, "worth", r" (?:a |an )?(?:quick |short |brief )?(?:chat|call|conversation|look|exploring)\b")
TEXT.rule(
    "pitch",
    2,
    "open",
    r" to (?:a |an )?(?:quick |short |brief |\d+[- ]minute |exploratory )?(?:chat|call|conversation|exploring|"
    r"learning|hearing|demo)\b",
)
TEXT.rule("pitch", 2, "open", r" to\b", before=r"\byou(?: be|'re| are) ")
TEXT.rule("pitch", 2, "sense", r" to\b", before=r"\bmake ")
TEXT.rule("pitch", 2, "priority", before=r"\bis this a ")
TEXT.rule("pitch", 2, "case", r" stud(?:y|ies)\b")
TEXT.rule("pitch", 2, "fortune", r" 500\b")
TEXT.rule("pitch", 2, "trusted", r" by\b")
TEXT.rule("pitch", 2, "clients customers", r" include\b", before=r"\bour ")
TEXT.rule(
    "pitch",
    2,
    "increase boost grow double triple 10x scale improve drive generate",
    r" (?:your |their |qualified |more )?(?:revenue|sales|pipeline|leads|conversions?|roi|traffic|bookings|signups|"
    r"mrr|arr|cac|demo requests|meetings booked)\b",
)
TEXT.rule("pitch", 2, "saved increased grew boosted reduced doubled tripled", r" (?:their |its )?[\w-]+ by \d")
TEXT.rule("pitch", 2, "lead", r" gen(?:eration)?\b")
TEXT.rule("pitch", 2, "appointment", r" setting\b")
TEXT.rule("pitch", 2, "outsourcing outsource offshore")
TEXT.rule("pitch", 2, "white", r"[- ]label\b")
TEXT.rule("pitch", 2, "seo", r" (?:services|audit|agency|ranking)")
TEXT.rule("pitch", 2, "design development", r" (?:services|agency)\b", before=r"\b(?:web|app|website|software) ")
TEXT.rule("pitch", 2, "hacking", before=r"\bgrowth ")
TEXT.rule("pitch", 2, "makers", before=r"\bdecision[- ]")
TEXT.rule("pitch", 2, "intent", r" data\b")
TEXT.rule("pitch", 2, "qualified", r" (?:leads|meetings|appointments)\b")
TEXT.rule("pitch", 2, "reaching", r" out (?:from|on behalf of)\b")
TEXT.rule("pitch", 2, "exclusive", r" (?:offer|discount|deal)")
TEXT.rule("pitch", 2, "limited", r"[- ]time\b")
TEXT.rule("pitch", 2, "special", r" (?:offer|pricing)\b")
TEXT.rule("pitch", 2, "calendly cal savvycal chilipiper", r"\.(?:com|co|io|me|app|example)/")
TEXT.rule("pitch", 2, "hubspot", r"\.com/meetings")
TEXT.rule("pitch", 1, "quick", r" question\b")
TEXT.rule("pitch", 1, "quick", r" call\b")
TEXT.rule("pitch", 1, "demo demos")
TEXT.rule("pitch", 1, "touch", r" base\b")
TEXT.rule("pitch", 1, "hope", r" (?:this|you)\b[^.\n]{0,25}\b(?:finds you|well|great)\b")
TEXT.rule("pitch", 1, "solution solutions")
TEXT.rule("pitch", 1, "leverage leveraging synergy synergies roi streamline automate")
TEXT.rule("pitch", 1, "partnership", r" opportunit")
TEXT.rule("pitch", 1, "noticed", r" (?:that )?(?:you|your)\b")
TEXT.rule("pitch", 1, "saw", r" (?:that )?(?:you|your (?:company|team|post|profile|website))\b")
TEXT.rule(
    "pitch",
    1,
    "congrats congratulations",
    r" on (?:the |your )?(?:recent )?(?:funding|raise|series|launch|new role|promotion|growth|round)\b",
)
TEXT.rule("pitch", 1, "minute min", r" (?:call|chat|intro|conversation|meeting)\b")
TEXT.rule("pitch", 1, "pricing discount radar sponsorship sponsorships")
TEXT.rule("pitch", 1, "reaching", r" out\b")
TEXT.rule("pitch", 1, "introduce", r" (?:myself|our|my company|you to our)\b")
TEXT.rule("pitch", 1, "pain", r" points?\b")
TEXT.rule("pitch", 1, "class", before=r"\bbest-in-")
TEXT.rule("pitch", 1, "cutting", r"[- ]edge\b")

TEXT.rule("pitch", 3, "plattform lösung software produkt", r" hilft\b", before=r"\bunser(?:e|en)? ")
TEXT.rule("pitch", 3, "unternehmen firmen", r" wie (?:ihres|ihrem|ihr|deins|deinem)\b")
TEXT.rule("pitch", 3, "solution plateforme logiciel outil", r" aide\b", before=r"\bnotre ")
TEXT.rule("pitch", 3, "entreprises sociétés", r" comme la (?:vôtre|votre|tienne)\b")
TEXT.rule("pitch", 3, "plataforma solución solucion herramienta", r" ayuda\b", before=r"\bnuestra ")
TEXT.rule("pitch", 3, "empresas compañías", r" como la (?:suya|tuya|vuestra)\b")
TEXT.rule("pitch", 1, "démo demostración")
TEXT.rule(
    "pitch",
    3,
    "plattform lösung software produkt tool",
    r" (?:[\w-]+ ){0,3}(?:hilft|vereinfacht|optimiert|automatisiert|spart)\b",
    before=r"\bunser(?:e|en)? ",
)
TEXT.rule("pitch", 2, "zeigen", r",? wie (?:unsere|unser|wir)\b")
# What a seller says of themselves, asks for, and claims.
TEXT.rule(
    "pitch",
    2,
    "help helps build built building make place resell offer offering provide specialize automate deliver power "
    "launched",
    before=r"\b(?:we|we're|we've|we are|i|i'm)(?: just| also| now)? ",
)
TEXT.rule("pitch", 3, "earn", r" your business\b")
TEXT.rule("pitch", 2, "beat", r" your current (?:rate|price|pricing|provider|vendor|plan|quote)\b")
TEXT.rule("pitch", 2, "competitors", before=r"\byour ")
TEXT.rule("pitch", 2, "interest", r"\s*\?", before=r"\bany ")
TEXT.rule("pitch", 2, "cracks", before=r"\bslip(?:ped)? through the ")
TEXT.rule("pitch", 1, "following", r" up\b")
TEXT.rule("pitch", 1, "interested", before=r"\b(?:you'd|you would|would you|if you're|if you are) be ")
TEXT.rule("pitch", 1, "curious", r" (?:if|whether|how|to hear)\b")
TEXT.rule("pitch", 1, "complimentary")
TEXT.rule("pitch", 1, "introduce", before=r"\b(?:i'd|i would|we'd|let me|allow me to|wanted to) (?:like to )?")
TEXT.rule(
    "pitch",
    2,
    "send share",
    r" (?:you |over )?(?:a |some |our )?(?:short |quick |brief )?(?:video|deck|case study|proposal|quote|pricing|"
    r"one-pager|info|information|overview|details|samples?|profiles|estimate|assessment|analysis|report|breakdown|"
    r"list)\b",
    before=r"\b(?:can|could|may|shall) i |\bhappy to |\bi can |\blet me ",
)
TEXT.rule("pitch", 2, "whoever", r" (?:does|handles|is responsible|manages|owns|is in charge)\b")
TEXT.rule(
    "pitch",
    2,
    "agency firm company consultancy startup platform provider vendor studio",
    before=r"\b(?:we are|we're|i run|i lead|i own) (?:a |an )(?:[\w-]+ ){0,3}",
)
TEXT.rule(
    "pitch",
    2,
    "organizes organises manages handles runs builds delivers provides offers designs",
    before=r"\b(?:our (?:team|company|agency|firm|platform|software)|we) ",
)
TEXT.rule("pitch", 2, "manage handle run design", before=r"\bwe ")
TEXT.rule("pitch", 2, "us", r" to\b", before=r"\buse ")
TEXT.rule(
    "pitch",
    2,
    "times",
    before=r"\b(?:reached out|written|emailed|tried to reach you) (?:a few|several|multiple|a couple of) ",
)
TEXT.rule("pitch", 2, "file", r" for now\b", before=r"\bclose your ")
TEXT.rule("pitch", 1, "priority", before=r"\b(?:is|becomes|become) (?:[\w-]+ ){0,3}a ")
TEXT.rule("pitch", 3, "ayudamos", r" a (?:empresas|compañías|negocios|equipos)\b")
TEXT.rule("pitch", 2, "right best", r" person\b", before=r"\b(?:who is|who's|who would be) the ")
# Seller vocabulary: one point a word (a rule each), two at most (the family's cap).
_SELLER_WORDS = (
    "platform solution solutions agency clients guarantee guaranteed savings consultation proposal quote estimate "
    "audit integration integrates automatically seamless seamlessly specializing specialize certified leads "
    "partnerships scale scaling brand pricing discount trial"
)
for _word in _SELLER_WORDS.split():
    TEXT.rule("lexicon", 1, _word)
# A numeric claim ("2,000 companies", "5 hours a week"; percentages are _percent_claim's): a point for a
# borderline pitch only (see _pitch_score).
TEXT.rule("claim", 1, "companies customers clients teams businesses brands users fleets", before=r"\b\d[\d,.]*\+? ")
TEXT.rule("claim", 1, "hours", r" (?:a|per|every) (?:week|month|day)\b", before=r"\b\d+ ")
TEXT.rule("pitch", 1, "forward", r" (?:this|it|my (?:email|note|message)) (?:on )?to\b")
TEXT.rule("pitch", 1, "i'm", r" [a-z]+ (?:from|at|with) [\w.&'-]+")

# A request to meet or talk.
TEXT.rule("request", 1, "meet talk chat speak connect sync schedule grab book", before=_CAN_WE)
TEXT.rule("request", 1, "catch", r" up\b", before=_CAN_WE)
TEXT.rule("request", 1, "hop jump", r" on\b", before=_CAN_WE)
TEXT.rule("request", 1, "set", r" up\b", before=_CAN_WE)
TEXT.rule("request", 1, "find", r" (?:a |some )?time\b", before=_CAN_WE)
TEXT.rule("request", 1, "call chat meeting", before=r"\b(?:can|could|shall|should) we (?:have|do) (?:a )?(?:quick )?")
TEXT.rule(
    "request",
    1,
    "coffee lunch dinner breakfast drinks",
    before=r"\b(?:can|could|shall|should) we (?:do|grab|get|have) ",
)
TEXT.rule("request", 1, "together", before=r"\bget ")
TEXT.rule(
    "request", 1, "steal borrow grab call ring see", r" you\b", before=r"\b(?:can|could|may|might) i (?:[\w']+ )?"
)
TEXT.rule(
    "request",
    1,
    "minutes mins minute hour",
    before=r"\b(?:can|could|may) i (?:get|have|grab|borrow|steal) (?:\d+ |a few |a couple of |half an |an |a )",
)
TEXT.rule("request", 1, "minutes mins hour", before=r"\b(?:love|like|need|want) (?:\d+ |a few |half an |an )")
TEXT.rule("request", 1, "spare", r" (?:a few |some |\d+ |half an |an |a )?(?:minutes|mins|hour|time|moment)\b")
TEXT.rule(
    "request",
    1,
    _WEEKDAYS + " tomorrow today tonight",
    before=r"\b(?:(?:i|we|you) (?:can|could) do|(?:can|could|would) (?:you|we) do) (?:either |the |this |next )?",
    hints="i we you can could would",
)
TEXT.rule("request", 1, "looks", r" like\b", before=r"\bwhat (?:your|the) (?:week|day|calendar|schedule|\w+day) ")
TEXT.rule("request", 1, "suits", r" you\b", before=r"\bwhichever (?:time |day |one )?")
TEXT.rule(
    "request",
    1,
    "fine good ok okay",
    r" (?:on my side|for me|with me|by me)\b",
    before=r"\b(?:would|will|should) be ",
)
TEXT.rule("request", 1, "meet talk chat speak", before=r"\b(?:can|could) you (?:[\w']+ )?")
TEXT.rule("request", 1, "fit", r" (?:me|us) in\b", before=r"\b(?:can|could) you ")
TEXT.rule("request", 1, "squeeze", r" (?:me|us|in)\b")
TEXT.rule(
    "request",
    1,
    "free available around",
    before=r"\b(?:(?:are|would|will|is) (?:you|she|he|they|everyone)|you're|you are|you'd be|you will be) "
    r"(?:[\w']+ )?(?:be )?",
)
TEXT.rule("request", 1, "free", r" for (?:a |an )?(?:quick |short )?(?:call|chat|coffee|lunch|drink|dinner|catch)")
TEXT.rule(
    "request",
    1,
    "time minutes minute mins moment availability hour slot window space",
    r"(?:\s+(?:for (?:a |an )?(?:call|chat|meeting|coffee|lunch|quick|catch)|to (?:talk|chat|meet|catch up|connect|"
    r"discuss|speak|hop|jump|sync|go over|go through|walk through)|on|this|next|tomorrow|today|later|at|in the|any|"
    + _WEEKDAY
    + r")\b"
    r"|\s*\?)",
    before=r"\b(?:do|would|will) you have (?:some |any |a (?:few |couple of )?|\d+ |half an |an )?",
)
TEXT.rule("request", 1, "time slot window", before=r"\bfind (?:a |some )?")
TEXT.rule("request", 1, "minutes mins hour", before=r"\bfind (?:\d+ |a few |some |half an |an )")
TEXT.rule("request", 1, "say", before=r"\bshall we ")
TEXT.rule("request", 1, "when", before=r"\bjust (?:say|tell me|let me know) ")
TEXT.rule(
    "request",
    1,
    "come stop drop swing pop",
    r" by\b",
    before=r"\b(?:happy to|i can|i could|can i|could i|i'll|i will|shall i|want me to|i'd love to) ",
)
TEXT.rule("request", 1, "calendar", before=r"\b(?:on|in|onto) your ")
TEXT.rule("request", 1, "pencil", r" (?:in|it in|that in|something in)\b")
TEXT.rule(
    "request", 1, "time", before=r"\b(?:what'?s|what is|is there|when'?s|when is) (?:a|the) (?:good|better|best) "
)
TEXT.rule(
    "request",
    1,
    "time",
    r" (?:to|for) (?:talk|chat|meet|call|connect|catch up|speak|a call|a chat)\b",
    before=r"\b(?:good|better|best) ",
)
TEXT.rule(
    "request",
    1,
    "time day days times date dates slot",
    r" (?:works|would work|suits?|is good|are good)\b",
    before=r"\b(?:what|which) ",
)
TEXT.rule(
    "request",
    1,
    "which",
    r" (?:one |time |day |days |slot |option |of these )?(?:suits|works|work|would work|is better|would be better|"
    r"is best|is easier)\b",
)
TEXT.rule(
    "request", 1, "options", before=r"\b(?:a few|some|two|three|four|couple of|here are (?:a few|some|two|three)) "
)
TEXT.rule(
    "request",
    1,
    "when",
    r" (?:works|would work|suits|is good|are you (?:free|available|around)|would you be (?:free|available)|"
    r"can we|could we|is a good time|would be (?:a )?good|might you be)\b",
)
TEXT.rule("request", 1, "works work suit suits", r" (?:for )?you\?")
TEXT.rule("request", 1, "work suit", r" (?:for )?you\b", before=r"\bdoes (?:that|this|it) (?:time |day |slot )?")
TEXT.rule("request", 1, "work suit", before=r"\bdoes " + _WEEKDAY + " ")
TEXT.rule(
    "request",
    1,
    "work suit",
    before=r"\b(?:would|does|will|could|can) (?:[\w']+ ){0,3}?" + _WHEN + r"\b[^.?!\n]{0,25}?",
)
TEXT.rule(
    "request",
    1,
    _WEEKDAYS + " tomorrow today tonight lunch coffee breakfast dinner next early later",
    before=r"\b(?:how|what) about ",
)
TEXT.rule(
    "request",
    1,
    _WEEKDAYS + " tomorrow",
    r"[^.?!\n]{0,20}?\b(?:works?(?: for me| for us| best| well| great| fine| on my (?:side|end)|\s*[.!\n]|$)"
    r"|is (?:good|fine|great|better|best) for (?:me|us)|suits (?:me|us))\b",
)
TEXT.rule(
    "request",
    1,
    "grab",
    r" (?:a |an |some )?(?:quick )?(?:coffee|lunch|a drink|drinks|breakfast|dinner|a bite|tea|beer|time)\b",
)
TEXT.rule(
    "request",
    1,
    "set schedule book arrange organize organise pencil block",
    r"(?: up| in)? (?:a |an |some |our |the |another |a follow-up |an intro )?(?:quick |short |brief |"
    r"\d+[- ]minutes? (?:for )?(?:a )?)?(?:time|call|meeting|meet|chat|catch-up|catch up|sync|zoom|teams call|"
    r"video call|1:1|one-on-one|session|coffee|lunch|intro call|phone call|conversation|slot|debrief|"
    r"\d+ minutes|half an hour|an hour)\b",
)
TEXT.rule(
    "request",
    1,
    "let's lets",
    r" (?:[\w']+ )?(?:meet|talk|chat|catch up|sync|find|grab|get together|hop|jump|set up|schedule|connect|speak|"
    r"do (?:a call|lunch|coffee|dinner)|pick a)\b",
)
TEXT.rule("request", 1, "availability")
TEXT.rule("request", 1, "chat call conversation", before=r"\bopen to (?:a |an )?(?:quick |short |brief )?")
TEXT.rule(
    "request",
    1,
    "coffee lunch dinner drinks breakfast call chat",
    r"[^.!?\n]{0,40}\?",
    sentence_start="quick a up for fancy",
)
TEXT.rule("request", 1, "hop jump", r" on (?:a |the )?(?:quick |short |brief )?(?:call|zoom|phone|video|teams)\b")
TEXT.rule("request", 1, "meet", r" (?:up|in person|for (?:coffee|lunch|a drink|breakfast|dinner))\b")
TEXT.rule(
    "request",
    1,
    "reschedule move moved moving push shift postpone",
    r" (?:our|the|my|your|this|tomorrow'?s?|today'?s?|\w+day'?s?) (?:[\w-]+ )?(?:meeting|call|chat|sync|1:1|"
    r"catch-up|session|lunch|coffee|appointment)\b",
)
TEXT.rule("request", 1, "reschedule rescheduling")
TEXT.rule(
    "request",
    1,
    "bring",
    r" (?:forward )?(?:our|the|my|your|this|tomorrow'?s?|\w+day'?s?) (?:[\w-]+ )?(?:meeting|call|session)\b",
)
TEXT.rule(
    "request",
    1,
    "minutes time slot window",
    r" (?:to|for) (?:talk|chat|discuss|connect|meet|catch up|a call)\b",
    before=r"\b(?:a|any|few|some) ",
)
TEXT.rule(
    "request",
    1,
    "available",
    r" (?:for|to) (?:a |an )?(?:quick |short )?(?:call|meeting|chat|talk|meet|coffee|lunch)\b",
)
TEXT.rule("request", 1, "request", r" (?:for|to) (?:a )?(?:meet|meeting|call)\b")
TEXT.rule("request", 1, "times slots", before=r"\b(?:send|sending) (?:me |over |you )?(?:some |a few )?")
TEXT.rule("request", 1, "times slots", r" that (?:work|suit)")
TEXT.rule(
    "request", 1, "invite", before=r"\b(?:send|sending|i'll send|will send) (?:you |over )?(?:a |an )?(?:calendar )?"
)
TEXT.rule(
    "request",
    1,
    "können könnten",
    r" (?:wir|sie) (?:uns )?(?:[\w']+ ){0,5}(?:treffen|sprechen|telefonieren|austauschen)\b",
)
TEXT.rule("request", 1, "hätten haben hast hättest", r" (?:sie|du) (?:[\w']+ ){0,5}zeit\b")
TEXT.rule("request", 1, "termin", r" (?:vereinbaren|finden|ausmachen)\b")
TEXT.rule("request", 1, "wann", r" (?:passt|hätten|hast|haben|wäre)\b")
TEXT.rule("request", 1, "passt", r" (?:ihnen|dir|es)\b")
TEXT.rule("request", 1, "seriez êtes serais seras serez", r"[- ](?:vous|tu) (?:[\w']+ )?disponibles?\b")
TEXT.rule(
    "request",
    1,
    "pourrions pouvons pourrait peut",
    r"[- ](?:nous|on) (?:nous |se )?(?:voir|rencontrer|parler|appeler|échanger|caler|fixer|prendre)\b",
)
TEXT.rule("request", 1, "peut pourrait", r" se (?:voir|parler|appeler)\b")
TEXT.rule(
    "request",
    1,
    "fixer prendre caler planifier organiser",
    r" un (?:rendez-vous|rdv|créneau|appel|call|point|déjeuner|café)\b",
)
TEXT.rule("request", 1, "disponibilités disponibilidad")
TEXT.rule("request", 1, "convient conviendrait irait", before=r"\b(?:vous|te|t') ")
TEXT.rule(
    "request",
    1,
    "podemos podríamos podriamos",
    r" (?:reunirnos|vernos|hablar|quedar|agendar|tener una llamada|tomar un café)\b",
)
TEXT.rule(
    "request", 1, "tienes tiene tendrías tendría tendrias tendria", r" (?:[\w']+ )?(?:tiempo|un momento|unos minutos)\b"
)
TEXT.rule("request", 1, "estás está estarías estaría estas esta estaria estarias", r" disponible\b")
TEXT.rule("request", 1, "agendar programar coordinar concertar", r" una (?:reunión|reunion|llamada|cita)\b")
TEXT.rule("request", 1, "viene va vendría funciona", before=r"\b(?:te|le) ")

# A time expression (numbers like "3pm" or "10:30" are _DIGIT_TIME's).
TEXT.rule("time", 1, _WEEKDAYS + " today tonight tomorrow tmrw sometime anytime eod cob")
TEXT.rule("time", 1, "morning afternoon evening", not_after="good ")
TEXT.rule("time", 1, "lunch lunchtime noon midday breakfast")
TEXT.rule("time", 1, "time", before=r"\bany ")
TEXT.rule("time", 1, "week weekend month", before=r"\b(?:this|next|coming|following|end of(?: the)?) ")
TEXT.rule("time", 1, "week", r" of\b")
TEXT.rule("time", 1, "day", before=r"\bend of (?:the )?")
TEXT.rule("time", 1, "days", before=r"\b(?:next|coming|few|couple of) ")
TEXT.rule("time", 1, "hour", before=r"\b(?:half an|an) ")
TEXT.rule("time", 1, _MONTHS, r"\.? \d{1,2}(?:st|nd|rd|th)?\b")
TEXT.rule("time", 1, "heute übermorgen vormittag nachmittag")
TEXT.rule("time", 1, "morgen", not_after="guten ")
TEXT.rule("time", 1, "woche", before=r"\b(?:nächste|nächsten|nächster|diese|dieser|diesen) ")
TEXT.rule("time", 1, "aujourd'hui demain matin soir")
TEXT.rule("time", 1, "après", r"-midi\b")
TEXT.rule("time", 1, "semaine", r" prochaine\b")
TEXT.rule("time", 1, "semaine", before=r"\bcette ")
TEXT.rule("time", 1, "hoy mañana")
TEXT.rule("time", 1, "semana", before=r"\b(?:esta|próxima|proxima) ")
TEXT.rule("time", 1, "semana", r" que viene\b")
TEXT.rule("time", 1, "tarde", before=r"\bpor la ")

# Receipts: a total line with an amount ...
TEXT.rule(
    "total",
    1,
    "total totals amount balance subtotal sum gesamtbetrag gesamtsumme rechnungsbetrag summe endbetrag montant importe",
    r"(?: (?:due|paid|charged|billed|payable|owed|to pay|incl\.? (?:vat|tax)|ttc|ht|total|à payer|payé|pagado|"
    r"a pagar))*\b[^\n\d]{0,30}?" + _MONEY,
    line_start=True,
)
TEXT.rule("total", 1, "paid", r"\b[^\n\d]{0,20}?" + _MONEY, before=r"\b(?:you|amount|total) ")
TEXT.rule("total", 1, "sent", r"\b[^\n\d]{0,10}?" + _MONEY, before=r"\byou ")
TEXT.rule(
    "total",
    1,
    "charged",
    r"(?: you)?\b[^\n\d]{0,20}?" + _MONEY,
    before=r"\b(?:you were|we(?:'ve| have)?|has been|have been|was|total|amount) ",
)
TEXT.rule("total", 1, "payment", r" (?:received|of)\b[^\n\d]{0,20}?" + _MONEY + r"[^\n]{0,40}\b(?:received|thank)")
# ... and a word of a transaction record.
TEXT.rule("txn", 1, "receipt receipts invoice invoices subtotal tax taxes vat gst hst mwst ust tva iva transaction")
TEXT.rule("txn", 1, "billing visa mastercard amex paypal rechnung facture factura recibo quittung reçu")
TEXT.rule("txn", 1, "order", r" ?(?:number|no\b|#|id\b|total)")
TEXT.rule("txn", 1, "sub", r"-total\b")
TEXT.rule("txn", 1, "bill billed", r" to\b")
TEXT.rule("txn", 1, "payment", r" (?:method|due|details|id|reference)\b")
TEXT.rule("txn", 1, "card", r" ending\b")
TEXT.rule("txn", 1, "ending", r" (?:in )?\d")
TEXT.rule("txn", 1, "reimbursement refund")
TEXT.rule("txn", 1, "american", r" express\b")
TEXT.rule("txn", 1, "apple google", r" pay\b")
TEXT.rule("txn", 1, "due", r" date\b")
TEXT.rule("txn", 1, "net", r" \d+\b")
TEXT.rule("txn", 1, "amount balance", r" due\b")
TEXT.rule("txn", 1, "deposit transfer fee fees")
TEXT.rule("txn", 1, "confirmation booking reference", r" (?:number|no\b|#|code)")
