/** @odoo-module **/
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
// Tour steps that ask the Python test for a picture of the page as it is now: the documentation's
// screenshots are taken by the tours (tests/tour_screenshots.py saves them; `make screenshots`
// keeps them in docs/img/).

const REQUEST = "msp-screenshot ";

/**
 * Two steps: wait for `ready`, ask for the picture `name`, then wait until it is saved.
 *
 * @param {string} name the picture's file name, without ".png"
 * @param {string} ready the trigger that says the page shows what the picture is of
 * @param {Object} [options]
 * @param {number} [options.height] the viewport's height for the picture (the width stays)
 * @param {string} [options.show] a selector: the page is scrolled to that element when it
 *     does not fit in the picture as the page is
 */
export function screenshot(name, ready, { height, show } = {}) {
    return [
        {
            content: `Picture "${name}": the page is ready`,
            // No autocomplete or dropdown left open over the page.
            trigger: `body:not(:has(.o-autocomplete--dropdown-menu, .o-dropdown--menu)) ${ready}`,
            run() {
                // The page from its top, with no focus ring.
                document.activeElement?.blur();
                for (const scrolled of document.querySelectorAll(".o_content")) {
                    scrolled.scrollTop = 0;
                }
                console.log(REQUEST + JSON.stringify({ name, height, show }));
            },
        },
        {
            content: `Picture "${name}" is saved`,
            trigger: `body[data-msp-screenshot='${name}']`,
            timeout: 30000,
        },
    ];
}
