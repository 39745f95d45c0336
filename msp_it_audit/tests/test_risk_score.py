# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from .common import MspItAuditCommon


class TestRiskScore(MspItAuditCommon):
    """score = 0.6 x findings + 0.4 x checklist (findings alone with no answered check);
    findings = 100 x (1 - product of (1 - p)); checklist = weighted failure share."""

    def _finding(self, severity, **vals):
        return self.env["msp.audit.finding"].create(
            {"audit_id": self.audit.id, "name": severity, "severity": severity, **vals}
        )

    def _check(self, result, weight):
        return self.env["msp.audit.check"].create(
            {"audit_id": self.audit.id, "name": result, "result": result, "weight": weight}
        )

    def test_no_risk_known(self):
        self.assertEqual(self.audit.risk_score, 0)

    def test_findings_only(self):
        self._finding("critical")
        self.assertEqual(self.audit.risk_score, 40)
        self._finding("high")
        # 100 x (1 - 0.6 x 0.8) = 52
        self.assertEqual(self.audit.risk_score, 52)
        info = self._finding("info")
        self.assertEqual(self.audit.risk_score, 52)
        info.severity = "low"
        # 100 x (1 - 0.6 x 0.8 x 0.98) = 52.96
        self.assertEqual(self.audit.risk_score, 53)

    def test_resolved_findings_no_longer_count(self):
        finding = self._finding("critical")
        self._finding("medium")
        finding.action_resolve()
        self.assertEqual(self.audit.risk_score, 8)
        finding.action_decline()
        self.assertEqual(self.audit.risk_score, 45, "a declined finding is still a risk")

    def test_never_above_100(self):
        for _i in range(30):
            self._finding("critical")
        self.assertEqual(self.audit.risk_score, 100)

    def test_checklist_and_findings(self):
        self._check("pass", 3)
        self._check("warning", 2)  # counts 1
        self._check("na", 5)  # not counted
        self._check("todo", 5)  # not counted
        # checklist 100 x 1 / 5 = 20; no finding: 0.4 x 20 = 8
        self.assertEqual(self.audit.risk_score, 8)
        self.assertAlmostEqual(self.audit.checklist_risk, 20.0)
        # a failed check (weight 5) raises its finding (medium by default)
        self._check("fail", 5)
        # checklist 100 x 6 / 10 = 60; findings 8; 0.6 x 8 + 0.4 x 60 = 28.8
        self.assertEqual(self.audit.risk_score, 29)
