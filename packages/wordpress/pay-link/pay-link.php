<?php
/**
 * Plugin Name:       pay-link
 * Plugin URI:        https://gh.baival.xx.kg/pay-link/pay-link
 * Description:       A "Pay-link button" block and a [pay_link] shortcode that sell through your own pay-link proxy (Razorpay, Xendit, Pine Labs Online, PayEngine, EximPe). The button's script ships inside the plugin: nothing loads from a CDN.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * Author:            pay-link
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       pay-link
 *
 * @package PayLink
 */

defined( 'ABSPATH' ) || exit;

define( 'PAY_LINK_VERSION', '0.1.0' );
define( 'PAY_LINK_FILE', __FILE__ );
define( 'PAY_LINK_DIR', __DIR__ );

require_once __DIR__ . '/includes/settings.php';
require_once __DIR__ . '/includes/render.php';
require_once __DIR__ . '/includes/assets.php';
require_once __DIR__ . '/includes/block.php';
require_once __DIR__ . '/includes/admin-page.php';

add_action( 'init', 'pay_link_register_assets' );
add_action( 'init', 'pay_link_register_block' );
add_action( 'init', 'pay_link_register_shortcode' );
add_action( 'admin_init', 'pay_link_register_settings' );
add_action( 'admin_menu', 'pay_link_add_settings_page' );
add_filter( 'script_loader_tag', 'pay_link_script_tag', 10, 2 );
add_filter( 'plugin_action_links_' . plugin_basename( __FILE__ ), 'pay_link_action_links' );
pay_link_register_cache_exclusions();
