/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The chatter composer of a helpdesk ticket logs time with the reply or note: a "Time" input
// (minutes, or hours:minutes) and a work type next to the Send button. The time goes to the
// server in the message's context; helpdesk.ticket.message_post creates the time entry in the
// same transaction as the message (and refuses both when the time is wrong).
import { onWillStart, useState } from "@odoo/owl";
import { Composer } from "@mail/core/common/composer";
import { _t } from "@web/core/l10n/translation";
import { user } from "@web/core/user";
import { patch } from "@web/core/utils/patch";

const TICKET_MODEL = "helpdesk.ticket";

/**
 * Hours from what the technician typed: "30" (minutes), "1:30" (hours:minutes), "1.5h" or
 * "90m". Empty: null (no time logged). Not understood: NaN.
 */
export function parseTimeSpent(text) {
    const value = (text || "").trim().toLowerCase().replace(",", ".");
    if (!value) {
        return null;
    }
    let match = value.match(/^(\d+)\s*(m|min)?$/);
    if (match) {
        return parseInt(match[1], 10) / 60;
    }
    match = value.match(/^(\d*):([0-5]\d)$/);
    if (match) {
        return parseInt(match[1] || "0", 10) + parseInt(match[2], 10) / 60;
    }
    match = value.match(/^(\d+(?:\.\d+)?)\s*h$/);
    if (match) {
        return parseFloat(match[1]);
    }
    return NaN;
}

patch(Composer.prototype, {
    setup() {
        super.setup(...arguments);
        this.mspTime = useState({ text: "", workType: "covered", allowed: false });
        this.mspWorkTypes = [
            { value: "covered", label: _t("Covered") },
            { value: "billable", label: _t("Billable") },
            { value: "after_hours", label: _t("After hours") },
        ];
        onWillStart(async () => {
            if (this.thread?.model === TICKET_MODEL) {
                this.mspTime.allowed = await user.hasGroup("hr_timesheet.group_hr_timesheet_user");
            }
        });
    },

    get mspTimeEnabled() {
        return (
            this.mspTime.allowed &&
            this.thread?.model === TICKET_MODEL &&
            this.props.mode === "extended" &&
            !this.props.composer.message
        );
    },

    get extraData() {
        const extraData = super.extraData;
        if (!this.mspTimeEnabled) {
            return extraData;
        }
        const hours = parseTimeSpent(this.mspTime.text);
        if (hours === null) {
            return extraData;
        }
        return {
            ...extraData,
            context: {
                ...extraData?.context,
                msp_log_hours: hours,
                msp_log_work_type: this.mspTime.workType,
            },
        };
    },

    async sendMessage() {
        if (this.mspTimeEnabled && Number.isNaN(parseTimeSpent(this.mspTime.text))) {
            this.env.services.notification.add(
                _t("Time spent: enter minutes (30) or hours and minutes (1:30)."),
                { type: "danger" }
            );
            return;
        }
        try {
            return await super.sendMessage(...arguments);
        } catch (error) {
            // The server refused the message (its time, most often): keep the text and the
            // time so that the technician corrects them, and let them send again.
            this.state.active = true;
            throw error;
        }
    },

    clear() {
        super.clear(...arguments);
        if (this.mspTime) {
            this.mspTime.text = "";
            this.mspTime.workType = "covered";
        }
    },

    onMspTimeKeydown(ev) {
        if (ev.key === "Enter") {
            ev.preventDefault();
            if (!this.isSendButtonDisabled) {
                this.sendMessage();
            }
        }
    },
});
