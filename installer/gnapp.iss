; Inno Setup 6 script: the Windows installer of GNApp (docs/installer.md).
; Build dist\GNApp\ first (python build_installer.py --self-test), then from the repository:
;   iscc /DAppVersion=0.1.0 installer\gnapp.iss      -> dist\GNApp-0.1.0-cai-dat.exe
;
; Installs for the current user without administrator rights (most commune computers), or for
; all users when run as administrator. GNApp keeps its data per user, outside the program
; folder (gnapp/paths.py): %LOCALAPPDATA%\GNApp\data (the commune databases created by the
; setup wizard, backups in sao-luu\, preferences) and %LOCALAPPDATA%\GNApp\cache. The
; uninstaller removes only the program: it never deletes that data.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6F3C2A1E-8B4D-4E7A-9C52-1D0E7B9A4F31}
AppName=GNApp
AppVersion={#AppVersion}
AppVerName=GNApp {#AppVersion}
AppPublisher=GNApp
DefaultDirName={autopf}\GNApp
DefaultGroupName=GNApp
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; Qt 6 runs on 64-bit Windows 10 1809 and later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
SetupIconFile=..\resources\icons\gnapp.ico
UninstallDisplayIcon={app}\GNApp.exe
UninstallDisplayName=GNApp
OutputDir=..\dist
OutputBaseFilename=GNApp-{#AppVersion}-cai-dat
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
; Inno Setup ships no Vietnamese; with the unofficial Vietnamese.isl beside this script
; (docs/installer.md) the wizard speaks Vietnamese, otherwise English.
#ifexist "Vietnamese.isl"
Name: "vi"; MessagesFile: "Vietnamese.isl"
#else
Name: "en"; MessagesFile: "compiler:Default.isl"
#endif

[CustomMessages]
DesktopIcon=Tạo biểu tượng GNApp trên màn hình nền
ShortcutsGroup=Biểu tượng:
DemoShortcut=GNApp — xã mẫu để làm quen
OpenNow=Mở GNApp ngay
DataKept=Đã gỡ GNApp. Dữ liệu của xã và các bản sao lưu vẫn được giữ nguyên tại:%n%1%n%nCài lại GNApp thì mở lại được dữ liệu này.

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; GroupDescription: "{cm:ShortcutsGroup}"

[Files]
Source: "..\dist\GNApp\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\GNApp"; Filename: "{app}\GNApp.exe"
Name: "{group}\{cm:DemoShortcut}"; Filename: "{app}\GNApp.exe"; Parameters: "--demo"
Name: "{autodesktop}\GNApp"; Filename: "{app}\GNApp.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\GNApp.exe"; Description: "{cm:OpenNow}"; Flags: nowait postinstall skipifsilent

[Code]
// Say where the data stayed: the uninstaller deletes only the files it installed.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataFolder: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataFolder := ExpandConstant('{localappdata}\GNApp');
    if DirExists(DataFolder) and not UninstallSilent then
      MsgBox(FmtMessage(CustomMessage('DataKept'), [DataFolder]), mbInformation, MB_OK);
  end;
end;
