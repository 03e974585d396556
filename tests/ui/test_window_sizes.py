"""Every top-level window and dialog fits a 1366×768 screen (1366×690 of content once the
title bar and the taskbar are counted) at the size it opens with, can be made as small as a
1280×720 screen allows, and opens again at the size the clerk gave it."""

from __future__ import annotations

from pathlib import Path

import pytest

from gnapp.importers.targets import TargetImport
from gnapp.office.store.database import open_office
from gnapp.packages.mail import EmailDraft
from gnapp.review import progress, workflow
from gnapp.store import programme
from gnapp.store.backups import check_integrity
from gnapp.store.database import open_database
from gnapp.store.reports import load_report
from gnapp.store.users import list_users
from gnapp.ui.app import build_main_window
from gnapp.ui.common import qt, users_dialog, window_size
from gnapp.ui.common.guide import GuideDialog
from gnapp.ui.common.language import LanguageDialog
from gnapp.ui.common.print_preview import preview_dialog
from gnapp.ui.common.sign_in import FirstAdminDialog, LoginDialog
from gnapp.ui.common.window_size import (
    CONTENT_SIZE,
    MAIN_WINDOW_SIZE,
    SMALL_CONTENT_SIZE,
    fit_window,
)
from gnapp.ui.office import session as office_session
from gnapp.ui.office.communes import RegisterDialog
from gnapp.ui.office.consolidation import ConsolidationHistoryDialog
from gnapp.ui.office.receive import ReceiptHistoryDialog
from gnapp.ui.office.session import PassphraseDialog
from gnapp.ui.office.window import OfficeWindow
from gnapp.ui.office.wizard import OfficeWizard
from gnapp.ui.programme.activities_view import ActivityDialog, BudgetDialog, DisbursementsDialog
from gnapp.ui.programme.targets_view import ImportPreview, TargetDialog
from gnapp.ui.register.export_dialog import ExportDialog
from gnapp.ui.register.household_dialog import HouseholdDialog
from gnapp.ui.register.import_wizard import ImportWizard
from gnapp.ui.reports.plan_dialog import PlanDialog
from gnapp.ui.reports.report_wizard import ReportWizard
from gnapp.ui.review import review_dialogs as rd
from gnapp.ui.review.questionnaire_import import QuestionnaireImportDialog
from gnapp.ui.review.review_wizard import QuestionnaireWizard
from gnapp.ui.review.transition_view import TransitionWindow
from gnapp.ui.sending.key_dialogs import ChangeKeyDialog, CreateKeyDialog, OfficeKeyDialog
from gnapp.ui.sending.package_dialog import BuildPackageDialog, EmailDialog
from gnapp.ui.setup.backup_dialog import BackupDialog, RecoveryDialog
from gnapp.ui.setup.settings_dialog import SettingsDialog
from gnapp.ui.setup.setup_wizard import SetupWizard
from tests.packages import conftest as packages
from tests.packages.world import office_head

world_files, world = packages.world_files, packages.world


class Desk:
    """What the windows are opened on: the commune (a round of 2026 with a complaint), its
    main window, the receiving office."""

    def __init__(self, world, tmp_path: Path) -> None:
        self.cdb = open_database(world.commune, actor="Cán bộ thử")
        self.user = next(u for u in list_users(self.cdb.db) if "admin" in u.roles)
        self.main = build_main_window(self.cdb, self.user)
        self.office = open_office(world.office)
        self.office_user = office_head(self.office)
        self.report = load_report(self.cdb.db, world.report_id)
        self.round_id = workflow.open_round(self.cdb, 2026)
        workflow.build_list(self.cdb, self.round_id)
        self.state = progress.household_states(self.cdb.db, self.round_id)[0]
        self.household_id = self.state.household_id
        self.tmp_path = tmp_path

    def office_window(self) -> OfficeWindow:
        window = OfficeWindow(
            office_session.OfficeSession(self.office.path, self.office, self.office_user)
        )
        fit_window(window, MAIN_WINDOW_SIZE)
        return window


def _complaint(desk: Desk) -> dict:
    household = desk.state
    return {
        "id": 1,
        "household_id": household.household_id,
        "code": household.code,
        "head_name": household.head_name,
        "content": "Khiếu nại thử",
        "received_on": "2026-03-25",
        "complainant": None,
        "resolved": False,
    }


WINDOWS = {
    "MainWindow": lambda d: d.main,
    "OfficeWindow": lambda d: d.office_window(),
    "SetupWizard": lambda d: SetupWizard(),
    "OfficeWizard": lambda d: OfficeWizard(path=d.tmp_path / "moi.gnoffice"),
    "LoginDialog": lambda d: LoginDialog(d.cdb),
    "FirstAdminDialog": lambda d: FirstAdminDialog(d.cdb),
    "LanguageDialog": lambda d: LanguageDialog(),
    "GuideDialog": lambda d: GuideDialog("may-tinh-bang", "Hướng dẫn"),
    "SettingsDialog": lambda d: SettingsDialog(d.cdb, d.user, None),
    "UsersDialog": lambda d: users_dialog.UsersDialog(d.cdb, d.user, None),
    "AddUserDialog": lambda d: users_dialog.AddUserDialog(d.cdb, None),
    "ChangePasswordDialog": lambda d: users_dialog.ChangePasswordDialog(d.cdb, d.user, None),
    "RolesDialog": lambda d: users_dialog.RolesDialog(d.cdb, d.user, None),
    "ResetPasswordDialog": lambda d: users_dialog.ResetPasswordDialog(d.cdb, d.user, None),
    "BackupDialog": lambda d: BackupDialog(d.main),
    "RecoveryDialog": lambda d: RecoveryDialog(
        None, d.cdb.path, check_integrity(d.cdb.path), d.tmp_path
    ),
    "PlanDialog": lambda d: PlanDialog(None, d.cdb),
    "TransitionWindow": lambda d: TransitionWindow(None, d.cdb),
    "HouseholdDialog (new)": lambda d: HouseholdDialog(d.cdb, None),
    "HouseholdDialog": lambda d: HouseholdDialog(d.cdb, d.household_id),
    "ImportWizard": lambda d: ImportWizard(None, d.cdb),
    "ExportDialog": lambda d: ExportDialog(None, d.cdb, 2025),
    "RoundDialog": lambda d: rd.RoundDialog(d.cdb),
    "AddHouseholdDialog": lambda d: rd.AddHouseholdDialog(d.cdb, d.round_id),
    "RemoveHouseholdDialog": lambda d: rd.RemoveHouseholdDialog(d.cdb, d.round_id, d.state),
    "ApplicationDialog": lambda d: rd.ApplicationDialog(d.cdb, d.round_id),
    "MeetingDialog": lambda d: rd.MeetingDialog(d.cdb, d.round_id),
    "PostingDialog": lambda d: rd.PostingDialog(d.cdb, d.round_id),
    "ComplaintDialog": lambda d: rd.ComplaintDialog(d.cdb, d.round_id),
    "OpinionDialog": lambda d: rd.OpinionDialog(d.cdb, d.round_id, "posting"),
    "RecheckDialog": lambda d: rd.RecheckDialog(d.cdb, _complaint(d)),
    "RecognitionDialog": lambda d: rd.RecognitionDialog(d.cdb, d.round_id, d.user),
    "CorrectionDialog": lambda d: rd.CorrectionDialog(d.cdb, 1, d.user),
    "QuestionnaireWizard": lambda d: QuestionnaireWizard(d.cdb, d.round_id, d.household_id, d.user),
    "QuestionnaireImportDialog": lambda d: QuestionnaireImportDialog(
        d.cdb, d.round_id, d.user, None
    ),
    "TargetDialog": lambda d: TargetDialog(d.cdb, 2025, None),
    "ImportPreview": lambda d: ImportPreview(
        TargetImport(d.tmp_path / "chi-tieu.xlsx", (), ()), 2025
    ),
    "BudgetDialog": lambda d: BudgetDialog(d.cdb, 2025, None, d.main),
    "ActivityDialog": lambda d: ActivityDialog(d.cdb, 2025, None, d.main),
    "DisbursementsDialog": lambda d: DisbursementsDialog(
        d.cdb, programme.budgets(d.cdb.db, 2025)[0]["id"], d.main
    ),
    "ReportWizard (new)": lambda d: ReportWizard(None, d.cdb),
    "ReportWizard": lambda d: ReportWizard(None, d.cdb, d.report),
    "PrintPreview": lambda d: preview_dialog(None, _a_pdf(d)),
    "CreateKeyDialog": lambda d: CreateKeyDialog(d.cdb),
    "OfficeKeyDialog": lambda d: OfficeKeyDialog(d.cdb),
    "ChangeKeyDialog": lambda d: ChangeKeyDialog(d.cdb),
    "BuildPackageDialog": lambda d: BuildPackageDialog(d.cdb, d.user),
    "EmailDialog": lambda d: EmailDialog(
        EmailDraft("Tiêu đề", "Nội dung\n" * 30, d.tmp_path / "goi.gnpkg")
    ),
    "RegisterDialog": lambda d: RegisterDialog(None, d.office, d.office_user),
    "LoginDialog (office)": lambda d: LoginDialog(d.office, d.office.identity.name),
    "FirstAdminDialog (office)": lambda d: FirstAdminDialog(d.office),
    "UsersDialog (office)": lambda d: users_dialog.UsersDialog(d.office, d.office_user, None),
    "AddUserDialog (office)": lambda d: users_dialog.AddUserDialog(d.office, None),
    "ChangePasswordDialog (office)": lambda d: users_dialog.ChangePasswordDialog(
        d.office, d.office_user, None
    ),
    "RolesDialog (office)": lambda d: users_dialog.RolesDialog(d.office, d.office_user, None),
    "ResetPasswordDialog (office)": lambda d: users_dialog.ResetPasswordDialog(
        d.office, d.office_user, None
    ),
    "PassphraseDialog": lambda d: PassphraseDialog(None, d.office),
    "ReceiptHistoryDialog": lambda d: ReceiptHistoryDialog(d.office),
    "ConsolidationHistoryDialog": lambda d: ConsolidationHistoryDialog(d.office),
}


def _a_pdf(desk: Desk) -> Path:
    from pypdf import PdfWriter

    path = desk.tmp_path / "trang.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(path)
    return path


@pytest.fixture
def desk(world, tmp_path, qtbot, monkeypatch):
    # the offscreen screen is 800×600: size windows as on a 1366×768 screen with its taskbar
    monkeypatch.setattr(window_size, "screen_room", lambda: qt.QSize(1366, 730))
    desk = Desk(world, tmp_path)
    qtbot.addWidget(desk.main)
    yield desk
    desk.office.close()
    desk.cdb.close()


def _fits(size: qt.QSize, limit: qt.QSize) -> bool:
    return size.width() <= limit.width() and size.height() <= limit.height()


@pytest.mark.parametrize("name", list(WINDOWS))
def test_every_window_fits_the_clerks_screen(qtbot, desk, name):
    window = WINDOWS[name](desk)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert _fits(window.size(), CONTENT_SIZE), (name, window.size())
    smallest = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert _fits(smallest, SMALL_CONTENT_SIZE), (name, smallest)
    window.close()


def test_a_window_opens_again_at_the_size_it_was_given(qtbot, desk):
    dialog = HouseholdDialog(desk.cdb, desk.household_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.resize(1000, 600)
    dialog.close()
    again = HouseholdDialog(desk.cdb, desk.household_id)
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (1000, 600)
    again.close()
