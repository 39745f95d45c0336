/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The time since a datetime (a running timer's start), ticking every second: "0:12:05".
import { Component, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

const { DateTime } = luxon;

export class ElapsedTimeField extends Component {
    static template = "msp_service_contract.ElapsedTimeField";
    static props = { ...standardFieldProps };

    setup() {
        this.state = useState({ now: DateTime.now() });
        onWillStart(() => {
            this.interval = setInterval(() => (this.state.now = DateTime.now()), 1000);
        });
        onWillUnmount(() => clearInterval(this.interval));
    }

    get elapsed() {
        const start = this.props.record.data[this.props.name];
        if (!start) {
            return "";
        }
        const seconds = Math.max(Math.floor(this.state.now.diff(start, "seconds").seconds), 0);
        const pad = (n) => String(n).padStart(2, "0");
        return `${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(
            seconds % 60
        )}`;
    }
}

registry.category("fields").add("msp_elapsed_time", {
    component: ElapsedTimeField,
    supportedTypes: ["datetime"],
});
