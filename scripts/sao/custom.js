/* This file is part of the property-management suite.
 * sao loads it after itself (index.html's custom.js): the product's name
 * on the login page, in the navigation bar and in the browser's title
 * instead of "Tryton". scripts/setup.sh installs it into sao's folder. */
(function() {
    'use strict';
    var PRODUCT = '物业管理系统 · Property Management';
    Sao.config.title = PRODUCT;
    document.title = PRODUCT;
    var loginDialog = Sao.Session.login_dialog;
    Sao.Session.login_dialog = function() {
        var dialog = loginDialog.apply(this, arguments);
        dialog.body.prepend(jQuery('<div/>', {
            'class': 'property-product',
        }).append(jQuery('<img/>', {
            'src': 'images/tryton-icon.png',
            'alt': '',
        })).append(jQuery('<span/>').text(PRODUCT)));
        return dialog;
    };
    // A list the user can only read (the reports computed by a query, the
    // history...) shows no New, Save, Delete, Copy nor Import: sao 8.0
    // greys them out only.
    var setButtonsSensitive = Sao.Tab.Form.prototype.set_buttons_sensitive;
    Sao.Tab.Form.prototype.set_buttons_sensitive = function() {
        setButtonsSensitive.apply(this, arguments);
        var access = Sao.common.MODELACCESS.get(this.screen.model_name);
        var readOnly = !access.create && !access.write && !access.delete;
        for (const name of ['new_', 'save', 'delete_', 'copy', 'import']) {
            if (this.buttons[name]) {
                this.buttons[name].toggleClass('hidden', readOnly);
            }
            if (this.menu_buttons[name]) {
                this.menu_buttons[name].toggleClass('hidden', readOnly);
            }
        }
    };
    jQuery(function() {
        jQuery('#title').text(PRODUCT);
    });
}());
