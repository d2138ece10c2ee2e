#!/usr/bin/python3
# PortierNetwork's NetworkManager path, against python-dbusmock's NetworkManager template
# on a private system bus. NetworkManager itself cannot run here (it needs to own the
# machine's network configuration), so this is the one place a mock stands in for it.
# Prints TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import subprocess
import sys

import dbus
import dbusmock
from dbusmock.templates.networkmanager import (
    DeviceState, NMActiveConnectionState, MANAGER_OBJ, MANAGER_IFACE, MAIN_OBJ,
    ACTIVE_CONNECTION_IFACE, DEVICE_IFACE, SETTINGS_OBJ, SETTINGS_IFACE)

import tap

DUMP = sys.argv[1]
IP4_IFACE = "org.freedesktop.NetworkManager.IP4Config"
IP6_IFACE = "org.freedesktop.NetworkManager.IP6Config"
TESTS = []


def test(function):
    TESTS.append(function)
    return function


class Network(dbusmock.DBusTestCase):
    """One private system bus with the NetworkManager template, per test."""

    def __enter__(self):
        self.start_system_bus()
        self.bus = self.get_dbus(system_bus=True)
        self.server, self.server_obj = self.spawn_server_template(
            "networkmanager", {}, stdout=subprocess.DEVNULL)
        self.mock = dbus.Interface(self.bus.get_object("org.freedesktop.NetworkManager",
                                                       MAIN_OBJ), dbusmock.MOCK_IFACE)
        self.n = 0
        return self

    def __exit__(self, *exc):
        self.server.terminate()
        self.server.wait()
        # On the base class: that is where start_system_bus() keeps the pid.
        dbusmock.DBusTestCase.tearDownClass()

    def obj_mock(self, path):
        return dbus.Interface(self.bus.get_object("org.freedesktop.NetworkManager", path),
                              dbusmock.MOCK_IFACE)

    def ip_config(self, version, addresses, gateway):
        self.n += 1
        iface = IP4_IFACE if version == 4 else IP6_IFACE
        path = f"/org/freedesktop/NetworkManager/IP{version}Config/{self.n}"
        data = dbus.Array([dbus.Dictionary({"address": dbus.String(a),
                                            "prefix": dbus.UInt32(p)}, signature="sv")
                           for a, p in addresses], signature="a{sv}")
        self.mock.AddObject(path, iface, {
            "AddressData": data,
            "Gateway": dbus.String(gateway),
            "RouteData": dbus.Array([], signature="a{sv}"),
            "NameserverData": dbus.Array([], signature="a{sv}"),
            "Domains": dbus.Array([], signature="s"),
            "Searches": dbus.Array([], signature="s"),
            "DnsOptions": dbus.Array([], signature="s"),
            "DnsPriority": dbus.Int32(0),
            "WinsServerData": dbus.Array([], signature="s"),
        }, [])
        return path

    def connect(self, kind, iface, name, ipv4, gateway, ipv6=(), zone="", metered=0,
                vpn=False, default=True, primary=True):
        """Adds a device, a saved connection and an active connection."""
        self.n += 1
        if kind == "wifi":
            dev = self.mock.AddWiFiDevice(f"dev{self.n}", iface, DeviceState.ACTIVATED)
            conn_type = "802-11-wireless"
        elif kind == "vpn":
            dev = self.mock.AddEthernetDevice(f"dev{self.n}", iface, DeviceState.ACTIVATED)
            conn_type = "vpn"
        else:
            dev = self.mock.AddEthernetDevice(f"dev{self.n}", iface, DeviceState.ACTIVATED)
            conn_type = "802-3-ethernet"
        settings = dbus.Dictionary({
            "connection": dbus.Dictionary({"id": name, "type": conn_type, "zone": zone},
                                          signature="sv")}, signature="sa{sv}")
        conn = dbus.Interface(self.bus.get_object("org.freedesktop.NetworkManager",
                                                  SETTINGS_OBJ), SETTINGS_IFACE).AddConnection(settings)
        active = self.mock.AddActiveConnection([dev], conn, "/", f"ac{self.n}",
                                               NMActiveConnectionState.NM_ACTIVE_CONNECTION_STATE_ACTIVATED)
        ip4 = self.ip_config(4, [(ipv4, 24)], gateway) if ipv4 else "/"
        ip6 = self.ip_config(6, [(a, 64) for a in ipv6], "fe80::1" if ipv6 else "") \
            if ipv6 else "/"
        ac = self.obj_mock(active)
        ac.AddProperty(ACTIVE_CONNECTION_IFACE, "Ip4Config", dbus.ObjectPath(ip4))
        ac.AddProperty(ACTIVE_CONNECTION_IFACE, "Ip6Config", dbus.ObjectPath(ip6))
        self.set(active, ACTIVE_CONNECTION_IFACE, "Default", dbus.Boolean(default))
        self.set(active, ACTIVE_CONNECTION_IFACE, "Vpn", dbus.Boolean(vpn))
        d = self.obj_mock(dev)
        d.AddProperty(DEVICE_IFACE, "Metered", dbus.UInt32(metered))
        d.AddProperty(DEVICE_IFACE, "Ip4Config", dbus.ObjectPath(ip4))
        d.AddProperty(DEVICE_IFACE, "Ip6Config", dbus.ObjectPath(ip6))
        if primary:
            self.set_primary(active)
        return active

    def set(self, path, iface, name, value):
        self.mock.SetProperty(path, iface, name, value)

    def set_primary(self, active):
        manager = self.obj_mock(MANAGER_OBJ)
        try:
            manager.AddProperty(MANAGER_IFACE, "PrimaryConnection", dbus.ObjectPath(active))
        except dbus.exceptions.DBusException:
            self.set(MANAGER_OBJ, MANAGER_IFACE, "PrimaryConnection", dbus.ObjectPath(active))

    def dump(self, changes=0, before_wait=None):
        env = dict(os.environ, G_DEBUG="fatal-criticals")
        env.pop("PORTIER_NETWORK_SOURCE", None)
        proc = subprocess.Popen([DUMP, str(changes)], stdout=subprocess.PIPE, text=True,
                                env=env)
        first = json.loads(proc.stdout.readline())
        results = [first]
        if before_wait is not None:
            before_wait()
        for _ in range(changes):
            results.append(json.loads(proc.stdout.readline()))
        assert proc.wait(timeout=30) == 0
        return results


@test
def ethernet():
    with Network() as net:
        net.connect("ethernet", "eth0", "Wired connection 1", "192.168.1.10", "192.168.1.1",
                    ipv6=["2001:db8:1::10", "fe80::10", "fd00::10"], zone="home", metered=2)
        info = net.dump()[0]
        assert info["source"] == "networkmanager", info
        assert info["connected"] is True
        assert info["connection"] == "Wired connection 1"
        assert info["type"] == "ethernet"
        assert info["interface"] == "eth0"
        assert info["ipv4_address"] == "192.168.1.10" and info["ipv4_prefix"] == 24
        assert info["ipv4_gateway"] == "192.168.1.1"
        # Only the global IPv6 address: not link-local, not unique-local.
        assert info["ipv6_addresses"] == ["2001:db8:1::10"], info
        assert info["firewall_zone"] == "home"
        assert info["metered"] == "no"       # NM_METERED_NO = 2
        assert info["vpn"] == "no"


@test
def wifi_metered():
    with Network() as net:
        net.connect("wifi", "wlan0", "Home Wi-Fi", "10.0.0.23", "10.0.0.1", metered=1)
        info = net.dump()[0]
        assert info["type"] == "wifi", info
        assert info["interface"] == "wlan0"
        assert info["ipv4_gateway"] == "10.0.0.1"
        assert info["metered"] == "yes"      # NM_METERED_YES = 1
        assert info["firewall_zone"] is None


@test
def vpn_active():
    with Network() as net:
        net.connect("ethernet", "eth0", "Wired", "192.168.1.10", "192.168.1.1",
                    default=False, primary=False)
        net.connect("vpn", "tun0", "Work VPN", "10.8.0.2", "10.8.0.1", vpn=True)
        info = net.dump()[0]
        # The LAN side is still the ethernet; the VPN carries the default route.
        assert info["interface"] == "eth0", info
        assert info["ipv4_gateway"] == "192.168.1.1"
        assert info["vpn"] == "yes"
        assert info["vpn_name"] == "Work VPN"
        assert info["vpn_interface"] == "tun0"


@test
def no_connection():
    with Network() as net:
        info = net.dump()[0]
        assert info["source"] == "networkmanager", info
        assert info["connected"] is False
        assert info["interface"] is None and info["ipv4_address"] is None
        assert info["vpn"] == "no"


@test
def change_while_running():
    with Network() as net:
        net.connect("ethernet", "eth0", "Wired", "192.168.1.10", "192.168.1.1")

        def add_vpn():
            net.connect("vpn", "wg0", "WireGuard", "10.9.0.2", "", vpn=True, primary=False)

        before, after = net.dump(changes=1, before_wait=add_vpn)
        assert before["vpn"] == "no", before
        assert after["vpn"] == "yes", after
        assert after["vpn_interface"] == "wg0"
        assert after["interface"] == "eth0"


@test
def networkmanager_not_running():
    # No NetworkManager on the bus: the kernel's tables answer.
    with Network() as net:
        net.server.terminate()
        net.server.wait()
        info = net.dump()[0]
        assert info["source"] == "kernel", info
        assert info["connection"] is None and info["firewall_zone"] is None
        assert info["metered"] == "unknown"


if __name__ == "__main__":
    sys.exit(tap.run(TESTS))
