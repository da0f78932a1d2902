import QtQuick
import QtQuick.Controls

ApplicationWindow {
    visible: true
}
