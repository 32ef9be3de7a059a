<?php
/**
 * The "Pay-link button" block: metadata in blocks/button/block.json, the editor in plain JS (blocks/button/index.js),
 * the front end rendered here by the same renderer as the shortcode.
 *
 * @package PayLink
 */

defined( 'ABSPATH' ) || exit;

function pay_link_register_block(): void {
	wp_register_script(
		'pay-link-block-editor',
		plugins_url( 'blocks/button/index.js', PAY_LINK_FILE ),
		array( 'wp-blocks', 'wp-element', 'wp-block-editor', 'wp-components', 'wp-i18n' ),
		PAY_LINK_VERSION,
		true
	);
	register_block_type( PAY_LINK_DIR . '/blocks/button', array( 'render_callback' => 'pay_link_render_block' ) );
	add_action( 'enqueue_block_editor_assets', 'pay_link_editor_data' );
}

/** What the editor's product picker and preview need, read only when an editor loads. */
function pay_link_editor_data(): void {
	$config = pay_link_get_proxy_config();
	$editor = array(
		'proxyUrl' => pay_link_get_settings()['proxy_url'],
		'testMode' => ! empty( $config['testMode'] ),
		'products' => $config['products'] ?? array(),
	);
	wp_add_inline_script( 'pay-link-block-editor', 'window.payLinkEditor = ' . wp_json_encode( $editor ) . ';', 'before' );
}

/** The block's front end: its attributes are author input like a shortcode's, and cleaned the same way. */
function pay_link_render_block( array $attributes ): string {
	return pay_link_render_button( $attributes, get_block_wrapper_attributes() );
}
