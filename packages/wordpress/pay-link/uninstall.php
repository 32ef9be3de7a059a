<?php
/**
 * Runs when the plugin is deleted from Plugins → Installed Plugins: removes every option it stored.
 *
 * @package PayLink
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

// The same names as includes/settings.php; that file is not loaded during an uninstall.
foreach ( array( 'pay_link_settings', 'pay_link_proxy_config' ) as $pay_link_option ) {
	delete_option( $pay_link_option );
	delete_site_option( $pay_link_option );
}
