/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// The clicks a task costs, counted by the tour that does it (docs/end-to-end.md, "Clicks per
// task"). Typing is not counted. A click may belong to several tasks (the app switcher opens
// the way to the list and to the form); a task counts only the clicks on its own way, so a
// tour may check several tasks without going back to the start for each.

import { stepUtils } from "@web_tour/tour_utils";

const LOG = "msp-clicks: ";

/**
 * A counter of clicks per task, for the tour `tour`. The counts are kept in the tab's
 * sessionStorage: a tour's steps are made again after each page load (portal pages).
 *
 * counts.start(): the tour's first step, which sets the counts to zero;
 * counts.click(["list", "form"], step): the step, its click counted for those tasks;
 * counts.check("form", 3, trigger): a step that waits for `trigger` (the task is done), logs
 * the count on the console ("msp-clicks: form: 3") and fails when it is not 3: more is a
 * regression, fewer means the table in docs/end-to-end.md is to be updated.
 */
export function clickCounts(tour) {
    const key = `msp_click_counts:${tour}`;
    const read = () => JSON.parse(sessionStorage.getItem(key) || "{}");
    const write = (counts) => sessionStorage.setItem(key, JSON.stringify(counts));
    return {
        start() {
            return {
                content: "Count the clicks from here",
                trigger: "body",
                run() {
                    write({});
                },
            };
        },
        click(tasks, step) {
            return {
                ...step,
                async run(helpers) {
                    const counts = read();
                    for (const task of tasks) {
                        counts[task] = (counts[task] || 0) + 1;
                    }
                    write(counts);
                    if (typeof step.run === "function") {
                        await step.run.call(this, helpers);
                    } else {
                        await helpers.click();
                    }
                },
            };
        },
        /**
         * The clicks through the web client's menus: `path` lists menu xmlids, from the app
         * (an app of the app switcher, opened first when `fromApps`) to a section of the
         * menu bar and the item of its dropdown (each part optional from the start).
         */
        menu(tasks, path, { fromApps = true } = {}) {
            const [app, section, item] = path;
            const steps = fromApps ? [this.click(tasks, stepUtils.showAppsMenuItem())] : [];
            if (app) {
                steps.push(
                    this.click(tasks, {
                        content: `Open the app ${app}`,
                        trigger: `.o_app[data-menu-xmlid='${app}']`,
                    })
                );
            }
            if (section) {
                steps.push(
                    this.click(tasks, {
                        content: `Open the menu ${section}`,
                        trigger: `.o_menu_sections [data-menu-xmlid='${section}']`,
                    })
                );
            }
            if (item) {
                steps.push(
                    this.click(tasks, {
                        content: `Open ${item}`,
                        trigger: `.dropdown-item[data-menu-xmlid='${item}']`,
                    })
                );
            }
            return steps;
        },
        check(task, expected, trigger) {
            return {
                content: `Clicks to ${task}: ${expected}`,
                trigger,
                run() {
                    const clicks = read()[task] || 0;
                    console.info(`${LOG}${task}: ${clicks}`);
                    if (clicks !== expected) {
                        throw new Error(
                            `${task} took ${clicks} clicks, not ${expected} (docs/end-to-end.md)`
                        );
                    }
                },
            };
        },
    };
}
